package dev.omnichannel.monitor.attribution;

/**
 * The credit one data-driven attribution model gives one channel.
 *
 * @param channel the channel
 * @param removalEffect the Markov removal effect in [0, 1]; {@code null} for models without one
 *     (Shapley)
 * @param valueRemovalEffect the Markov removal effect on the expected conversion value, in [0, 1];
 *     {@code null} for models without one
 * @param conversions the conversions attributed to the channel
 * @param value the conversion value attributed to the channel
 */
public record ChannelCredit(
    String channel,
    Double removalEffect,
    Double valueRemovalEffect,
    double conversions,
    double value) {}
