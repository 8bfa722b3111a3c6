package dev.microseg.api.devstack;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;

import static org.assertj.core.api.Assertions.assertThat;

/** The local stack's PostgreSQL commits durably, although zonky's defaults would not. */
class DevPostgresTest {

    @Test
    void theDevDatabaseFsyncsAndWaitsForTheFlushOnCommit(@TempDir Path data) throws Exception {
        EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder().setDataDirectory(data).setCleanDataDirectory(false);
        DevPostgres.DURABLE.forEach(builder::setServerConfig);
        try (EmbeddedPostgres pg = builder.start();
             Connection c = pg.getPostgresDatabase().getConnection();
             Statement st = c.createStatement()) {
            for (String setting : new String[] {"fsync", "synchronous_commit"}) {
                try (ResultSet rs = st.executeQuery("SHOW " + setting)) {
                    rs.next();
                    assertThat(rs.getString(1)).as(setting).isEqualTo("on");
                }
            }
        }
    }
}
