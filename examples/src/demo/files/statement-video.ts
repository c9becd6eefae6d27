/**
 * A short, silent video in AVI (RIFF) with uncompressed 24-bit frames — the one video format a
 * few lines can write without an encoder library: `hdrl` (main header, one video stream,
 * BITMAPINFOHEADER), `movi` with one `00db` chunk per frame, and an `idx1` key-frame index.
 * Players that read uncompressed AVI (VLC, ffplay, mpv, most desktop players) play it. The
 * picture is a synthetic stand-in for a recorded statement: a head-and-shoulders silhouette,
 * a level meter that moves as if someone spoke, and a progress bar; there is no sound.
 *
 * @example writeFileSync("statement.avi", statementVideo({ seconds: 6 }))
 */
export function statementVideo(
  options: { width?: number; height?: number; fps?: number; seconds?: number } = {},
): Uint8Array {
  const { width = 160, height = 120, fps = 10, seconds = 6 } = options;
  const frames = Math.round(fps * seconds);
  const stride = Math.ceil((width * 3) / 4) * 4;
  const frameBytes = stride * height;
  const hdrl = list("hdrl", [
    chunk(
      "avih",
      u32s(
        Math.round(1e6 / fps),
        frameBytes * fps,
        0,
        0x10,
        frames,
        0,
        1,
        frameBytes,
        width,
        height,
        0,
        0,
        0,
        0,
      ),
    ),
    list("strl", [
      chunk(
        "strh",
        concat([
          ascii("vids"),
          ascii("DIB "),
          u32s(0, 0, 0, 1, fps, 0, frames, frameBytes, 0xffffffff, 0),
          u16s(0, 0, width, height),
        ]),
      ),
      chunk(
        "strf",
        concat([u32s(40, width, height), u16s(1, 24), u32s(0, frameBytes, 0, 0, 0, 0)]),
      ),
    ]),
  ]);
  const movi: Uint8Array[] = [];
  const index: Uint8Array[] = [];
  let offset = 4; // idx1 offsets count from the `movi` list type
  for (let f = 0; f < frames; f++) {
    const c = chunk("00db", frame(width, height, stride, f, frames));
    movi.push(c);
    index.push(concat([ascii("00db"), u32s(0x10, offset, frameBytes)]));
    offset += c.byteLength;
  }
  return riff("AVI ", [hdrl, list("movi", movi), chunk("idx1", concat(index))]);
}

/** One bottom-up BGR frame: the picture at `f` of `n`. */
function frame(width: number, height: number, stride: number, f: number, n: number): Uint8Array {
  const px = new Uint8Array(stride * height);
  const level = Math.abs(Math.sin(f * 0.9) * Math.sin(f * 0.37)); // the "voice"
  const set = (x: number, y: number, [b, g, r]: [number, number, number]) => {
    const at = (height - 1 - y) * stride + x * 3; // rows are stored bottom-up
    px[at] = b;
    px[at + 1] = g;
    px[at + 2] = r;
  };
  const cx = width / 2;
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      const head = (x - cx) ** 2 + (y - height * 0.38) ** 2 < (height * 0.17) ** 2;
      const shoulders = y > height * 0.6 && Math.abs(x - cx) < width * 0.3 - (height - y) * 0.2;
      const meter = x >= width - 14 && x < width - 6 && height - 20 - y < level * height * 0.6;
      const progress = y >= height - 6 && x < (width * (f + 1)) / n;
      set(
        x,
        y,
        progress
          ? [60, 200, 60]
          : meter && y < height - 14
            ? [40, 170, 230]
            : head || shoulders
              ? [70, 80, 95]
              : [(90 + (y * 60) / height) | 0, 45, 25],
      );
    }
  return px;
}

const ascii = (s: string) => Uint8Array.from(Buffer.from(s, "latin1"));

function u32s(...values: number[]): Uint8Array {
  const b = Buffer.alloc(values.length * 4);
  values.forEach((v, i) => b.writeUInt32LE(v >>> 0, i * 4));
  return b;
}

function u16s(...values: number[]): Uint8Array {
  const b = Buffer.alloc(values.length * 2);
  values.forEach((v, i) => b.writeUInt16LE(v, i * 2));
  return b;
}

function concat(parts: Uint8Array[]): Uint8Array {
  return Buffer.concat(parts);
}

/** A RIFF chunk: four-character id, little-endian size, data, a pad byte if the size is odd. */
function chunk(id: string, data: Uint8Array): Uint8Array {
  return concat([ascii(id), u32s(data.byteLength), data, new Uint8Array(data.byteLength % 2)]);
}

function list(type: string, children: Uint8Array[]): Uint8Array {
  return chunk("LIST", concat([ascii(type), ...children]));
}

function riff(type: string, children: Uint8Array[]): Uint8Array {
  return chunk("RIFF", concat([ascii(type), ...children]));
}
