package org.sparkimage.model.torch;

/** Python's None on the unpickler's stack (Java collections used there do not take null). */
enum PyNone {
    /** The one None. */
    NONE
}
