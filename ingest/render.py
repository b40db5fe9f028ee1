"""Page images for OCR: PDF pages rendered by pypdfium2, image files read by Pillow.

The only module that imports pypdfium2 (and Pillow). A page image is an RGB `numpy` array;
its hash (`image_key`) is what OCR results are cached by, so the same scan met again under
another name, or inside another PDF, is never read twice. Recognition itself is in `ocr`.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np

# Scale 2 (144 dpi) reads the small print of Chinese official scans well; scale 3 costs
# twice the time for no gain measured on the bundled 高等数学 standard.
RENDER_SCALE = 2.0
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".tif", ".tiff", ".bmp")
# Very large photos are shrunk so that the longest side stays readable but bounded.
MAX_SIDE = 3000


def pdf_page_count(path: Path) -> int:
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(str(path))
    try:
        return len(pdf)
    finally:
        pdf.close()


def render_pdf_pages(path: Path, numbers: list[int], scale: float = RENDER_SCALE):
    """Yield (page number, RGB array) for the 1-based `numbers`, one page in memory at a time."""
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(str(path))
    try:
        for number in numbers:
            page = pdf[number - 1]
            try:
                bitmap = page.render(scale=scale)
                image = bitmap.to_numpy()
                mode = bitmap.mode
                bitmap.close()
            finally:
                page.close()
            yield number, _to_rgb(image, mode)
    finally:
        pdf.close()


def pages_with_rules(path: Path, numbers: list[int], min_paths: int = 4) -> list[int]:
    """The pages among `numbers` that draw at least `min_paths` lines or boxes: only those
    can hold a ruled table. Counting drawing objects with pdfium takes milliseconds a page,
    where finding tables with pdfplumber takes about a second."""
    import pypdfium2 as pdfium
    import pypdfium2.raw as pdfium_c

    pdf = pdfium.PdfDocument(str(path))
    out = []
    try:
        for number in numbers:
            page = pdf[number - 1]
            try:
                n = 0
                for _ in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_PATH], max_depth=2):
                    n += 1
                    if n >= min_paths:
                        out.append(number)
                        break
            finally:
                page.close()
    finally:
        pdf.close()
    return out


def _to_rgb(image: np.ndarray, mode: str) -> np.ndarray:
    """pdfium renders BGR(A) by default; OCR and hashing want one stable layout."""
    if image.ndim == 2:
        return np.ascontiguousarray(np.stack([image] * 3, axis=-1))
    if mode in ("BGRA", "BGRX", "BGR"):
        image = image[..., 2::-1]
    elif image.shape[-1] == 4:
        image = image[..., :3]
    return np.ascontiguousarray(image)


def image_frames(path: Path) -> list[np.ndarray]:
    """The frames of an image file as RGB arrays (a multi-page TIFF has several)."""
    from PIL import Image, ImageSequence, UnidentifiedImageError

    try:
        with Image.open(path) as img:
            frames = []
            for frame in ImageSequence.Iterator(img):
                rgb = frame.convert("RGB")
                if max(rgb.size) > MAX_SIDE:
                    rgb.thumbnail((MAX_SIDE, MAX_SIDE))
                frames.append(np.asarray(rgb))
            return frames
    except (UnidentifiedImageError, OSError, ValueError) as e:
        raise ValueError(f"unreadable image: {e}") from e


def image_frame_count(path: Path) -> int:
    """Frames of an image file. Raises OverflowError for an image Pillow refuses as a
    decompression bomb (over twice its MAX_IMAGE_PIXELS), ValueError when unreadable."""
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(path) as img:
            return max(1, int(getattr(img, "n_frames", 1)))
    except Image.DecompressionBombError as e:
        raise OverflowError(str(e)) from e
    except (UnidentifiedImageError, OSError, ValueError) as e:
        raise ValueError(str(e)) from e


def image_key(image: np.ndarray, engine_id: str) -> str:
    """Cache key of a page image: the recogniser and the exact pixels."""
    h = hashlib.sha1(f"{engine_id}\n{image.shape}\n".encode())
    h.update(np.ascontiguousarray(image).tobytes())
    return "img:" + h.hexdigest()
