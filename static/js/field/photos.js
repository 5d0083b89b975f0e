/* Photos made small enough to send: phone cameras take 12+ megapixel photos; 1600 px JPEG keeps
   what an inspector needs at a tenth of the bytes, which matters on mobile data and for the
   server's size limit. */

export const PHOTO_MAX_PX = 1600;
export const PHOTO_QUALITY = 0.8;

// Resolves to a JPEG blob no longer than maxPx on either side; rejects for a file that is no
// image the browser can read.
export async function shrinkPhoto(file, { maxPx = PHOTO_MAX_PX, quality = PHOTO_QUALITY } = {}) {
  const source = URL.createObjectURL(file);
  try {
    const image = new Image();
    image.src = source;
    await image.decode();
    const scale = Math.min(1, maxPx / Math.max(image.naturalWidth, image.naturalHeight));
    const canvas = document.createElement("canvas");
    canvas.width = Math.round(image.naturalWidth * scale);
    canvas.height = Math.round(image.naturalHeight * scale);
    canvas.getContext("2d").drawImage(image, 0, 0, canvas.width, canvas.height);
    return await new Promise((resolve, reject) => {
      canvas.toBlob((blob) => (blob ? resolve(blob) : reject(new Error("no JPEG"))), "image/jpeg", quality);
    });
  } finally {
    URL.revokeObjectURL(source);
  }
}
