package org.sparkimage.model.torch;

/**
 * A storage as data.pkl refers to it (BINPERSID of {@code ('storage', torch.FloatStorage, '0',
 * 'cpu', 6)}): its element type, its record name under {@code data/} and how many elements it
 * declares. Nothing is read until a tensor's values are asked for.
 *
 * @param dtype element type
 * @param key record name under the archive's {@code data/} folder
 * @param numel elements the pickle declares; checked against the record's real size before use
 */
record StorageRef(DType dtype, String key, long numel) {
}
