/**
 * Reading image containers: {@link org.sparkimage.io.TarReader} streams the members of tar
 * archives (WebDataset-style shards) one at a time, with memory bounded by a per-member limit
 * rather than by anything the archive claims about itself.
 */
package org.sparkimage.io;
