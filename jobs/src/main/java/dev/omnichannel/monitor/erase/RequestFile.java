package dev.omnichannel.monitor.erase;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * A file of erasure requests, JSON Lines: one request per line, each an object with
 *
 * <ul>
 *   <li>{@code request_id} (optional): names its receipt; derived from its targets when left out;
 *   <li>{@code identity}: a {@code NAMESPACE=VALUE} string or an array of them, raw values (email
 *       and phone are pseudonymised with the HMAC key, as at ingestion);
 *   <li>{@code person}: a person id or an array of them.
 * </ul>
 *
 * <p>Each request names at least one identity or person. Blank lines are skipped. Any other field,
 * a repeated request id or an invalid value is an error naming the file and the line, e.g. {@code
 * {"request_id":"dsr-1042","identity":["customer_id=C-1","email=ann@example.com"]}}.
 */
public final class RequestFile {
  private static final ObjectMapper JSON = new ObjectMapper();

  private RequestFile() {}

  /**
   * Reads the requests of {@code file}.
   *
   * @throws IllegalArgumentException naming the file and line of the first bad request
   */
  public static List<ErasureRequest.Draft> read(Path file) throws IOException {
    List<ErasureRequest.Draft> out = new ArrayList<>();
    Set<String> ids = new HashSet<>();
    try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      String line;
      int n = 0;
      while ((line = r.readLine()) != null) {
        n++;
        if (line.isBlank()) {
          continue;
        }
        String where = file + " line " + n;
        ErasureRequest.Draft d;
        try {
          d = parse(line, where);
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException(where + ": " + e.getMessage());
        }
        if (d.requestId() != null && !ids.add(d.requestId())) {
          throw new IllegalArgumentException(
              where + ": request_id " + ErasureRequest.quote(d.requestId()) + " is repeated");
        }
        out.add(d);
      }
    } catch (java.nio.charset.MalformedInputException e) {
      throw new IllegalArgumentException(file + " is not UTF-8 text");
    }
    if (out.isEmpty()) {
      throw new IllegalArgumentException(file + " holds no request");
    }
    return out;
  }

  /** One line's request. */
  static ErasureRequest.Draft parse(String line, String where) {
    JsonNode node;
    try {
      node = JSON.readTree(line);
    } catch (IOException e) {
      throw new IllegalArgumentException(
          "not a JSON object (expected {\"request_id\":...,\"identity\":...})");
    }
    if (node == null || !node.isObject()) {
      throw new IllegalArgumentException(
          "not a JSON object (expected {\"request_id\":...,\"identity\":...})");
    }
    String requestId = null;
    List<String> persons = new ArrayList<>();
    List<String> identities = new ArrayList<>();
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      String field = it.next();
      JsonNode v = node.get(field);
      switch (field) {
        case "request_id" -> {
          if (!v.isTextual()) {
            throw new IllegalArgumentException("request_id must be a string");
          }
          requestId = v.asText();
          ErasureRequest.checkRequestId(requestId);
        }
        case "identity" -> {
          for (String s : strings(field, v)) {
            ErasureRequest.checkIdentity(s);
            identities.add(s);
          }
        }
        case "person" -> {
          for (String s : strings(field, v)) {
            ErasureRequest.checkPerson(s);
            persons.add(s);
          }
        }
        default ->
            throw new IllegalArgumentException(
                "unknown field "
                    + ErasureRequest.quote(field)
                    + " (expected request_id, identity, person)");
      }
    }
    if (persons.isEmpty() && identities.isEmpty()) {
      throw new IllegalArgumentException("names no identity and no person");
    }
    return new ErasureRequest.Draft(requestId, persons, identities, where);
  }

  private static List<String> strings(String field, JsonNode v) {
    List<String> out = new ArrayList<>();
    if (v.isTextual()) {
      out.add(v.asText());
    } else if (v.isArray()) {
      for (JsonNode e : v) {
        if (!e.isTextual()) {
          throw new IllegalArgumentException(field + " must hold strings");
        }
        out.add(e.asText());
      }
    } else {
      throw new IllegalArgumentException(field + " must be a string or an array of strings");
    }
    return out;
  }
}
