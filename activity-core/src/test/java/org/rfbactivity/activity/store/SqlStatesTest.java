package org.rfbactivity.activity.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.BatchUpdateException;
import java.sql.SQLException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientConnectionException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class SqlStatesTest {

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
      "08000, RETRY", "08001, RETRY", "08003, RETRY", "08006, RETRY", "08P01, RETRY",
      "40001, RETRY", "40P01, RETRY",
      "57P01, RETRY", "57P02, RETRY", "57P03, RETRY", "57P05, RETRY",
      "22001, ISOLATE_ROW", "22021, ISOLATE_ROW", "22P02, ISOLATE_ROW",
      "23505, ISOLATE_ROW", "23514, ISOLATE_ROW", "23502, ISOLATE_ROW",
      "40002, FAIL", "57014, FAIL", "42P01, FAIL", "42501, FAIL", "28P01, FAIL", "3D000, FAIL", "53300, FAIL"})
  void classifiesBySqlState(String state, SqlStates.Decision decision) {
    assertThat(SqlStates.classify(new SQLException("m", state))).isEqualTo(decision);
    assertThat(SqlStates.errorClass(state)).isEqualTo(state.substring(0, 2));
  }

  @Test
  void aFailedBatchIsClassifiedByItsNextException() {
    BatchUpdateException batch = new BatchUpdateException("batch entry 3 aborted", (String) null, new int[0]);
    batch.setNextException(new SQLException("value too long", "22001"));
    assertThat(SqlStates.sqlState(batch)).isEqualTo("22001");
    assertThat(SqlStates.classify(batch)).isEqualTo(SqlStates.Decision.ISOLATE_ROW);
  }

  @Test
  void causesAreFollowed() {
    SQLException wrapper = new SQLException("wrapper", (String) null, new SQLException("refused", "08001"));
    assertThat(SqlStates.classify(wrapper)).isEqualTo(SqlStates.Decision.RETRY);
  }

  @Test
  void withoutSqlStateTheExceptionTypeDecides() {
    assertThat(SqlStates.classify(new SQLTransientConnectionException("pool timeout")))
        .isEqualTo(SqlStates.Decision.RETRY);
    assertThat(SqlStates.classify(new SQLRecoverableException("io"))).isEqualTo(SqlStates.Decision.RETRY);
    assertThat(SqlStates.classify(new SQLException("?"))).isEqualTo(SqlStates.Decision.FAIL);
    assertThat(SqlStates.errorClass(null)).isEqualTo("unknown");
  }

  @Test
  void chainsAreFollowedOnlySoDeep() {
    SQLException e = new SQLException("deep", "08006");
    for (int i = 0; i < 12; i++) {
      e = new SQLException("level " + i, (String) null, e);
    }
    assertThat(SqlStates.sqlState(e)).isNull();
  }
}
