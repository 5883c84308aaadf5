package dev.memvault.core.meaning;

/**
 * How much of a vault is indexed for meaning by one model.
 *
 * @param indexed live memories with a vector of the model
 * @param pending live memories without one
 */
public record MeaningIndexStatus(String modelId, long indexed, long pending) {}
