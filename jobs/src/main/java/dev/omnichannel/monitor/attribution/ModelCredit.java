package dev.omnichannel.monitor.attribution;

/**
 * What one model credits one channel over a set of paths.
 *
 * @param model the model
 * @param channel the channel (or campaign)
 * @param conversions the conversions credited
 * @param value the conversion value credited
 * @param removalEffect the Markov removal effect; null for every other model
 * @param valueRemovalEffect the Markov removal effect on the expected conversion value; null for
 *     every other model
 */
public record ModelCredit(
    AttributionModel model,
    String channel,
    double conversions,
    double value,
    Double removalEffect,
    Double valueRemovalEffect) {}
