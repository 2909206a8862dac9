package org.rfbactivity.rfb;

/**
 * The server's natural PIXEL_FORMAT from ServerInit (docs/protocol.md#serverinit).
 *
 * @param bitsPerPixel bits per pixel on the wire (8, 16 or 32)
 * @param depth useful bits per pixel
 * @param bigEndian whether multi-byte pixels are big-endian
 * @param trueColour whether the pixel value is composed of the RGB fields below
 * @param redMax maximum red value
 * @param greenMax maximum green value
 * @param blueMax maximum blue value
 * @param redShift shift of the red field
 * @param greenShift shift of the green field
 * @param blueShift shift of the blue field
 */
public record PixelFormat(int bitsPerPixel, int depth, boolean bigEndian, boolean trueColour, int redMax,
    int greenMax, int blueMax, int redShift, int greenShift, int blueShift) {
}
