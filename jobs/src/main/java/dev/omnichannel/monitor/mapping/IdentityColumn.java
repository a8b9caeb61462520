package dev.omnichannel.monitor.mapping;

import java.io.Serializable;

/**
 * An identity of the event read from a row: its namespace and the rule giving its value. A row
 * whose identity cell is empty simply has no identity of that namespace.
 */
public record IdentityColumn(String namespace, FieldRule rule) implements Serializable {}
