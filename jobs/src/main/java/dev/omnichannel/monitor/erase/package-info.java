/**
 * Erasure (right to be forgotten): who a request names ({@link
 * dev.omnichannel.monitor.erase.ErasureRequest}, {@link
 * dev.omnichannel.monitor.erase.ErasureTargets}), which rows go or lose an identity ({@link
 * dev.omnichannel.monitor.erase.RowEraser}), rewriting the affected partitions ({@link
 * dev.omnichannel.monitor.erase.PartitionEraser}) and the receipt ({@link
 * dev.omnichannel.monitor.erase.ErasureReceipt}). Plain Java, free of Flink.
 */
package dev.omnichannel.monitor.erase;
