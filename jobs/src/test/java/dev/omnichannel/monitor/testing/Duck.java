package dev.omnichannel.monitor.testing;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/** Reading the Parquet tables back with DuckDB, as an analyst would. */
public final class Duck {
  private Duck() {}

  /** {@code read_parquet(...)} over every file of {@code table} under {@code out}. */
  public static String table(Path out, String table) {
    return "read_parquet('" + out.resolve(table) + "/**/*.parquet', hive_partitioning = false)";
  }

  /** The rows of {@code sql}, each as its columns joined by {@code |} (with a trailing one). */
  public static List<String> rows(Connection duck, String sql) throws Exception {
    List<String> rows = new ArrayList<>();
    try (Statement st = duck.createStatement();
        ResultSet rs = st.executeQuery(sql)) {
      ResultSetMetaData md = rs.getMetaData();
      while (rs.next()) {
        StringBuilder b = new StringBuilder();
        for (int i = 1; i <= md.getColumnCount(); i++) {
          b.append(rs.getString(i)).append('|');
        }
        rows.add(b.toString());
      }
    }
    return rows;
  }

  /**
   * The columns of {@code table} to compare between two runs: every column, with the attribution
   * credits rounded (9 places for shares, 6 for values), because floating-point sums may differ in
   * the last bits with the order of additions.
   */
  public static String comparable(String table) {
    return switch (table) {
      case "attribution" ->
          "* EXCLUDE (credit, credited_value), round(credit, 9), round(credited_value, 6)";
      case "attribution_channel" ->
          "* EXCLUDE (removal_effect, value_removal_effect, attributed_conversions,"
              + " attributed_value), round(removal_effect, 9), round(value_removal_effect, 9),"
              + " round(attributed_conversions, 9),"
              + " round(attributed_value, 6)";
      default -> "*";
    };
  }

  /**
   * The persons table's profile: every column but updated_at (when a row was written, which differs
   * by nature between a backfill and a stream run), with the sums of doubles rounded.
   */
  public static final String PROFILE =
      "person_id, canonical_namespace, identities, identity_count, first_seen, last_seen, events,"
          + " events_by_channel, channels, preferred_channel, journeys, journeys_converted,"
          + " journeys_abandoned, journeys_truncated, journeys_open, last_journey_status,"
          + " round(lifetime_value, 6), friction, friction_count, open_friction_7d,"
          + " round(sentiment_mean, 9), sentiment_latest, rejected_links";

  /**
   * The README's "current profile" query over {@code persons} (a {@link #table}): each person's
   * latest row, by last_seen, then updated_at.
   */
  public static String currentProfiles(String persons, String columns) {
    return "SELECT "
        + columns
        + " FROM "
        + persons
        + " QUALIFY row_number() OVER (PARTITION BY person_id ORDER BY last_seen DESC,"
        + " updated_at DESC) = 1";
  }

  /**
   * The rows of {@code table} under {@code out} that two stream runs over the same input must
   * share, sorted: the {@link #comparable} columns of every row; for {@code persons}, each person's
   * current profile ({@link #PROFILE}). A stream writes a profile row when the watermark passes the
   * end of an hour in which the profile changed, and when a bounded input ends, the rest at once:
   * which rows it writes just before the end depends on how far the watermark got by then, which
   * differs between runs; the current profiles do not.
   */
  public static List<String> comparableRows(Connection duck, Path out, String table)
      throws Exception {
    if (table.equals("persons")) {
      return rows(duck, currentProfiles(table(out, table), PROFILE) + " ORDER BY ALL");
    }
    return rows(duck, out, table, comparable(table));
  }

  /**
   * The persons rows under {@code out} that share their person and updated_at with another row:
   * none, as a person's rows are written at strictly increasing times (a row written twice, after a
   * restart, would show here).
   */
  public static long repeatedProfileRows(Connection duck, Path out) throws Exception {
    return Long.parseLong(
        rows(
                duck,
                "SELECT coalesce(sum(n), 0) FROM (SELECT person_id, updated_at, count(*) AS n FROM "
                    + table(out, "persons")
                    + " GROUP BY ALL HAVING count(*) > 1)")
            .get(0)
            .replace("|", ""));
  }

  /** The number of rows of {@code table} under {@code out}. */
  public static long count(Connection duck, Path out, String table) throws Exception {
    return Long.parseLong(
        rows(duck, "SELECT count(*) FROM " + table(out, table)).get(0).replace("|", ""));
  }

  /** The rows of {@code cols} of {@code table} under {@code out}, sorted. */
  public static List<String> rows(Connection duck, Path out, String table, String cols)
      throws Exception {
    return rows(duck, "SELECT " + cols + " FROM " + table(out, table) + " ORDER BY ALL");
  }
}
