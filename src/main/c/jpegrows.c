/*
 * Decodes only the rows of a JPEG that a two-tap resize reads, through the libjpeg-turbo that is
 * statically linked into Leptonica's libleptonica.so.6 (loaded by JavaCPP before this library).
 *
 * Why C: libjpeg reports fatal errors through error_exit, which must not return. The only safe
 * way out is longjmp back to a setjmp in the caller, and that cannot be done across Java frames
 * (neither JNI nor the foreign-function API can unwind through them). So the whole decode runs
 * here, between a setjmp and the return to Java.
 *
 * Built by scripts/build-native.sh during the Maven build; org.sparkimage.image.JpegRowDecoder
 * loads it and falls back to the full decode where it is absent.
 */
#include <jni.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jpeglib.h"

/* Return codes, mirrored in JpegRowDecoder. */
#define ROWS_OK 0
#define ROWS_WARNING 1   /* libjpeg warned (corrupt or truncated data): the caller diagnoses */
#define ROWS_ERROR 2     /* libjpeg failed, or the image is not what the caller's header said */
#define ROWS_NO_MEMORY 3 /* a native buffer could not be allocated */

struct guarded_error {
    struct jpeg_error_mgr pub;
    jmp_buf escape;
};

static void exit_by_longjmp(j_common_ptr cinfo) {
    struct guarded_error *err = (struct guarded_error *) cinfo->err;
    longjmp(err->escape, 1);
}

/* Counts warnings silently (libjpeg's default prints them to stderr). */
static void count_warnings(j_common_ptr cinfo, int msg_level) {
    if (msg_level < 0) cinfo->err->num_warnings++;
}

/*
 * rows: ascending stored-row indices to keep; cols: ascending stored-column indices to keep.
 * out receives rows.length * cols.length RGB triples, row-major. width and height are what the
 * caller's header parse found; a decoder that disagrees is an error, never an overrun.
 */
JNIEXPORT jint JNICALL Java_org_sparkimage_image_JpegRowDecoder_decodeRows(
        JNIEnv *env, jclass cls, jbyteArray data, jint width, jint height,
        jintArray rows, jintArray cols, jbyteArray out) {
    (void) cls;
    jsize length = (*env)->GetArrayLength(env, data);
    jsize nrows = (*env)->GetArrayLength(env, rows);
    jsize ncols = (*env)->GetArrayLength(env, cols);
    if ((jlong) nrows * ncols * 3 != (*env)->GetArrayLength(env, out) || nrows == 0 || ncols == 0) return ROWS_ERROR;

    /* Copies, so that no JNI critical region is held while libjpeg runs. */
    unsigned char *jpeg = malloc((size_t) length);
    jint *keep_rows = malloc(sizeof(jint) * (size_t) nrows);
    jint *keep_cols = malloc(sizeof(jint) * (size_t) ncols);
    unsigned char *pixels = malloc((size_t) nrows * (size_t) ncols * 3);
    unsigned char *line = malloc((size_t) width * 3);
    /* volatile: read after a longjmp */
    volatile jint result = ROWS_ERROR;
    struct jpeg_decompress_struct cinfo;
    struct guarded_error err;
    memset(&cinfo, 0, sizeof cinfo);
    if (!jpeg || !keep_rows || !keep_cols || !pixels || !line) {
        result = ROWS_NO_MEMORY;
        goto done;
    }
    (*env)->GetByteArrayRegion(env, data, 0, length, (jbyte *) jpeg);
    (*env)->GetIntArrayRegion(env, rows, 0, nrows, keep_rows);
    (*env)->GetIntArrayRegion(env, cols, 0, ncols, keep_cols);
    for (jsize i = 0; i < nrows; i++) {
        if (keep_rows[i] < 0 || keep_rows[i] >= height || (i > 0 && keep_rows[i] <= keep_rows[i - 1])) goto done;
    }
    for (jsize i = 0; i < ncols; i++) {
        if (keep_cols[i] < 0 || keep_cols[i] >= width || (i > 0 && keep_cols[i] <= keep_cols[i - 1])) goto done;
    }

    cinfo.err = jpeg_std_error(&err.pub);
    err.pub.error_exit = exit_by_longjmp;
    err.pub.emit_message = count_warnings;
    if (setjmp(err.escape)) {
        result = ROWS_ERROR;
        jpeg_destroy_decompress(&cinfo);
        goto done;
    }
    jpeg_create_decompress(&cinfo);
    jpeg_mem_src(&cinfo, jpeg, (unsigned long) length);
    jpeg_read_header(&cinfo, TRUE);
    /* Leptonica's settings, so that kept rows equal its full decode bit for bit: RGB out (gray
     * expanded), fancy upsampling (the merged upsampler mis-decodes rows after a skip), ISLOW IDCT. */
    cinfo.out_color_space = JCS_RGB;
    cinfo.do_fancy_upsampling = TRUE;
    cinfo.dct_method = JDCT_ISLOW;
    jpeg_start_decompress(&cinfo);
    if ((jint) cinfo.output_width != width || (jint) cinfo.output_height != height || cinfo.output_components != 3) {
        jpeg_destroy_decompress(&cinfo);
        result = ROWS_ERROR;
        goto done;
    }
    unsigned char *dst = pixels;
    for (jsize i = 0; i < nrows; i++) {
        JDIMENSION want = (JDIMENSION) keep_rows[i];
        if (want > cinfo.output_scanline) jpeg_skip_scanlines(&cinfo, want - cinfo.output_scanline);
        JSAMPROW row = line;
        if (jpeg_read_scanlines(&cinfo, &row, 1) != 1) {
            jpeg_destroy_decompress(&cinfo);
            result = ROWS_ERROR;
            goto done;
        }
        for (jsize c = 0; c < ncols; c++) {
            const unsigned char *src = line + 3 * (size_t) keep_cols[c];
            *dst++ = src[0];
            *dst++ = src[1];
            *dst++ = src[2];
        }
    }
    /* The rest is entropy-decoded too (skipping spares only the IDCT and colour conversion), so
     * damage after the last kept row is reported as it is by a full decode. */
    if (cinfo.output_scanline < cinfo.output_height) {
        jpeg_skip_scanlines(&cinfo, cinfo.output_height - cinfo.output_scanline);
    }
    jpeg_finish_decompress(&cinfo);
    result = cinfo.err->num_warnings != 0 ? ROWS_WARNING : ROWS_OK;
    jpeg_destroy_decompress(&cinfo);
    if (result == ROWS_OK) (*env)->SetByteArrayRegion(env, out, 0, nrows * ncols * 3, (const jbyte *) pixels);

done:
    free(line);
    free(pixels);
    free(keep_cols);
    free(keep_rows);
    free(jpeg);
    return result;
}
