package dev.microseg.api.auth;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;
import java.util.UUID;

/**
 * The bearer form of an API key: {@code msk_} followed by base64url (no padding) of the
 * tenant id (16 bytes), the key id (16 bytes) and a 256-bit random secret (32 bytes).
 *
 * <p>Carrying the tenant id lets the server bind the tenant before it looks the key up, so the
 * lookup itself runs under row-level security: a token that names the wrong tenant simply
 * finds no key. Only SHA-256 of the secret is stored; with 256 bits of entropy a plain hash
 * is enough (no password-stretching needed), and comparison is constant-time.
 */
public record ApiKeyToken(UUID tenant, UUID keyId, byte[] secret) {
    public static final String PREFIX = "msk_";
    static final int SECRET_BYTES = 32;
    private static final int RAW_BYTES = 16 + 16 + SECRET_BYTES;
    private static final SecureRandom RANDOM = new SecureRandom();

    public static ApiKeyToken generate(UUID tenant) {
        byte[] secret = new byte[SECRET_BYTES];
        RANDOM.nextBytes(secret);
        return new ApiKeyToken(tenant, UUID.randomUUID(), secret);
    }

    /** Parses a bearer token; empty if it is not shaped like an API key. */
    public static Optional<ApiKeyToken> parse(String token) {
        if (token == null || !token.startsWith(PREFIX) || token.length() > 200) {
            return Optional.empty();
        }
        byte[] raw;
        try {
            raw = Base64.getUrlDecoder().decode(token.substring(PREFIX.length()));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        if (raw.length != RAW_BYTES) {
            return Optional.empty();
        }
        ByteBuffer b = ByteBuffer.wrap(raw);
        UUID tenant = new UUID(b.getLong(), b.getLong());
        UUID key = new UUID(b.getLong(), b.getLong());
        byte[] secret = new byte[SECRET_BYTES];
        b.get(secret);
        return Optional.of(new ApiKeyToken(tenant, key, secret));
    }

    public String format() {
        ByteBuffer b = ByteBuffer.allocate(RAW_BYTES);
        b.putLong(tenant.getMostSignificantBits()).putLong(tenant.getLeastSignificantBits());
        b.putLong(keyId.getMostSignificantBits()).putLong(keyId.getLeastSignificantBits());
        b.put(secret);
        return PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(b.array());
    }

    public byte[] secretHash() {
        return sha256(secret);
    }

    /** Constant-time comparison of this token's secret with a stored hash. */
    public boolean matches(byte[] storedHash) {
        return MessageDigest.isEqual(secretHash(), storedHash);
    }

    static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by the Java SE spec", e);
        }
    }
}
