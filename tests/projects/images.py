import io

from PIL import Image


def jpeg(size=(40, 30), colour="green"):
    """A small JPEG's bytes."""
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, "JPEG")
    return buffer.getvalue()
