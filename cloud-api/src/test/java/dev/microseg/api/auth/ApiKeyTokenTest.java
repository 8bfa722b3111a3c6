package dev.microseg.api.auth;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

class ApiKeyTokenTest {
    @Test
    void roundTripsAndMatchesOnlyItsOwnHash() {
        UUID tenant = UUID.randomUUID();
        ApiKeyToken t = ApiKeyToken.generate(tenant);
        ApiKeyToken back = ApiKeyToken.parse(t.format()).orElseThrow();
        assertThat(back.tenant()).isEqualTo(tenant);
        assertThat(back.keyId()).isEqualTo(t.keyId());
        assertThat(back.matches(t.secretHash())).isTrue();
        assertThat(ApiKeyToken.generate(tenant).matches(t.secretHash())).isFalse();
        assertThat(t.format()).startsWith("msk_").hasSize(4 + 86);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "msk_", "msk_!!!!", "Bearer x", "msk_AAAA", "eyJhbGciOiJSUzI1NiJ9.e30.sig"})
    void rejectsWhatIsNotAKey(String s) {
        assertThat(ApiKeyToken.parse(s)).isEmpty();
    }
}
