"""Frames to a file: an animated GIF through Pillow, an H.264 MP4 through Debian's ffmpeg.

Both show each step for ``MOTION_STEP_SECONDS`` and hold the last one ``MOTION_HOLD_SECONDS``,
so a clip ends on the fullest picture. Frames arrive one at a time (an iterator) and are
handed on as they come: an MP4 never holds the whole clip in memory.
"""

from __future__ import annotations

import contextlib
import io
import shutil
import subprocess
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path

import numpy as np
from PIL import Image

from dashboard.export.spec import ExportError
from dashboard.vocab import MOTION_HOLD_SECONDS, MOTION_STEP_SECONDS

MP4_FPS = (
    10  # frames written per second: smooth enough for still steps, and 2-3× less to encode than 25
)
Progress = Callable[[int], None]  # told after each frame is handed to the encoder


def gif_bytes(frames: Iterable[np.ndarray], progress: Progress | None = None) -> bytes:
    """An animated GIF that loops, one adaptive 256-colour palette per frame."""
    images = []
    for i, pixels in enumerate(frames, 1):
        images.append(Image.fromarray(pixels).quantize(colors=256, dither=Image.Dither.NONE))
        if progress:
            progress(i)
    if not images:
        raise ExportError("no frames to write")
    step_ms, hold_ms = round(MOTION_STEP_SECONDS * 1000), round(MOTION_HOLD_SECONDS * 1000)
    durations = [step_ms] * (len(images) - 1) + [hold_ms]
    buf = io.BytesIO()
    images[0].save(
        buf,
        format="GIF",
        save_all=True,
        append_images=images[1:],
        duration=durations,
        loop=0,
        optimize=True,
        disposal=1,
    )
    return buf.getvalue()


def ffmpeg_path() -> str:
    """Debian's ffmpeg, or a clear error saying how to install it."""
    path = shutil.which("ffmpeg")
    if path is None:
        raise ExportError(
            "MP4 needs ffmpeg, which is not installed: run `make media` "
            "(or `apt-get install ffmpeg`), or export a GIF"
        )
    return path


def mp4_bytes(
    frames: Iterable[np.ndarray], size: tuple[int, int], progress: Progress | None = None
) -> bytes:
    """An H.264 (yuv420p) MP4 of ``size`` pixels, each frame shown for one step and the last
    held; frames are piped to ffmpeg as raw RGB as they are drawn."""
    width, height = size
    step_frames = max(1, round(MOTION_STEP_SECONDS * MP4_FPS))
    hold_extra = max(0.0, MOTION_HOLD_SECONDS - MOTION_STEP_SECONDS)
    with tempfile.TemporaryDirectory(prefix="clip-") as tmp:
        out = Path(tmp) / "clip.mp4"
        log = Path(tmp) / "ffmpeg.log"
        command = [
            ffmpeg_path(),
            *("-hide_banner", "-loglevel", "error", "-y"),
            *("-f", "rawvideo", "-pix_fmt", "rgb24", "-s", f"{width}x{height}"),
            *("-framerate", f"{MP4_FPS}/{step_frames}", "-i", "pipe:0"),
            *("-c:v", "libx264", "-preset", "veryfast", "-tune", "stillimage", "-crf", "20"),
            *("-pix_fmt", "yuv420p", "-r", str(MP4_FPS), "-movflags", "+faststart"),
            # the rate first (so the last step keeps its whole second), then the hold: ffmpeg
            # clones the last frame (it is sent once, like every other)
            *("-vf", f"fps={MP4_FPS},tpad=stop_mode=clone:stop_duration={hold_extra:g}"),
            str(out),
        ]
        with log.open("wb") as err:
            proc = subprocess.Popen(command, stdin=subprocess.PIPE, stderr=err)
            count = 0
            try:
                for count, pixels in enumerate(frames, 1):
                    if pixels.shape != (height, width, 3):
                        raise ExportError(f"frame {count} is {pixels.shape[1]}×{pixels.shape[0]}")
                    proc.stdin.write(np.ascontiguousarray(pixels, dtype=np.uint8).tobytes())
                    if progress:
                        progress(count)
            except BrokenPipeError:  # ffmpeg stopped early; its log says why (below)
                count = max(count, 1)
            except BaseException:
                proc.kill()
                proc.wait()
                raise
            finally:
                if proc.stdin and not proc.stdin.closed:
                    with contextlib.suppress(BrokenPipeError):
                        proc.stdin.close()
            code = proc.wait()
        if code != 0 or not out.exists():
            detail = log.read_text(errors="replace").strip().splitlines()[-1:] or ["no output"]
            raise ExportError(f"ffmpeg could not encode the clip: {detail[0]}")
        if count == 0:
            raise ExportError("no frames to write")
        return out.read_bytes()
