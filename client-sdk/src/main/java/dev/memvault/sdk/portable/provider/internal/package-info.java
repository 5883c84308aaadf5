/**
 * How provider exports are read and written into a vault: opening the zip or JSON file, streaming
 * its conversations one at a time, the provider-neutral form they are mapped to, and the writer
 * that stores each conversation in one transaction (also used by the PAM importer for other tools'
 * conversations). Not API: use {@code ProviderImporter} or {@code PamImporter}.
 */
package dev.memvault.sdk.portable.provider.internal;
