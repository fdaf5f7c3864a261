"""What the build of Preliminary Investigations & Evidence makes: the course video, its captions
and transcript, and the facilitator's guide, from the data files beside this one.

- video-script.json: the slides (heading, points, how long each is shown) and the script, shown
  as captions (the video has no voice). The slides are drawn with Pillow's own scalable font,
  encoded by the ffmpeg binary of imageio-ffmpeg as H.264 in MP4 at one frame a second, tuned
  for still images; the WebVTT captions are timed to the slides; the transcript is a page.
- facilitator-guide.json: the guide's text, laid out as a PDF with fpdf2.

Everything is reproducible: the same sources give the same bytes (one encoder thread, bitexact
flags, no metadata, a fixed PDF creation date and an /ID derived from the content).
"""

from __future__ import annotations

import datetime as dt
import html
import json
import subprocess
import tempfile
from pathlib import Path

import imageio_ffmpeg
from fpdf import FPDF
from PIL import Image, ImageDraw, ImageFont

HERE = Path(__file__).resolve().parent
SCRIPT = HERE / "video-script.json"
GUIDE = HERE / "facilitator-guide.json"
VIDEO_NAME = "first-officer"
SIZE = (1280, 720)
BACKGROUND = "#12395c"
INK = "#ffffff"
SOFT_INK = "#dce6f0"
ACCENT = "#f2c14e"
MARGIN = 80
# A fixed date for the PDF (no build carries the time it was made).
GUIDE_DATE = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)


def generate(out: Path) -> None:
    script = json.loads(SCRIPT.read_text(encoding="utf-8"))
    video = out / "video"
    video.mkdir(parents=True, exist_ok=True)
    count = len(script["slides"])
    slides = [draw_slide(slide, n, count) for n, slide in enumerate(script["slides"], 1)]
    slides[0].save(video / "poster.png", optimize=True)
    seconds = [slide["seconds"] for slide in script["slides"]]
    encode_video(slides, seconds, video / f"{VIDEO_NAME}.mp4")
    (video / f"{VIDEO_NAME}.vtt").write_text(captions(script), encoding="utf-8")
    (video / "transcript.html").write_text(transcript(script), encoding="utf-8")
    guide = out / "guide"
    guide.mkdir(parents=True, exist_ok=True)
    (guide / "facilitator-guide.pdf").write_bytes(
        facilitator_guide(json.loads(GUIDE.read_text(encoding="utf-8")))
    )


# --- the slides and the video --------------------------------------------------------------


def _wrapped(text: str, font: ImageFont.FreeTypeFont, width: int) -> list[str]:
    lines: list[str] = []
    line = ""
    for word in text.split():
        candidate = f"{line} {word}".strip()
        if line and font.getlength(candidate) > width:
            lines.append(line)
            line = word
        else:
            line = candidate
    return [*lines, line] if line else lines


def draw_slide(slide: dict, number: int, count: int) -> Image.Image:
    image = Image.new("RGB", SIZE, BACKGROUND)
    draw = ImageDraw.Draw(image)
    heading_font = ImageFont.load_default(size=60)
    point_font = ImageFont.load_default(size=38)
    footer_font = ImageFont.load_default(size=24)
    width = SIZE[0] - 2 * MARGIN
    y = 90
    for line in _wrapped(slide["heading"], heading_font, width):
        draw.text((MARGIN, y), line, font=heading_font, fill=INK)
        y += 74
    draw.rectangle((MARGIN, y + 10, MARGIN + 160, y + 18), fill=ACCENT)
    y += 60
    for point in slide["points"]:
        for i, line in enumerate(_wrapped(point, point_font, width - 40)):
            if i == 0:
                draw.ellipse((MARGIN, y + 14, MARGIN + 14, y + 28), fill=ACCENT)
            draw.text((MARGIN + 40, y), line, font=point_font, fill=SOFT_INK)
            y += 50
        y += 14
    footer = f"Preliminary Investigations & Evidence    {number} / {count}"
    draw.text((MARGIN, SIZE[1] - 60), footer, font=footer_font, fill=SOFT_INK)
    return image


def encode_video(slides: list[Image.Image], seconds: list[int], target: Path) -> None:
    """H.264 (High profile, yuv420p) in MP4, one frame a second: Chromium, Firefox and Safari
    all play it. One thread and the bitexact flags make the bytes depend on the slides alone."""
    with tempfile.TemporaryDirectory(prefix="pi-video-") as work:
        folder = Path(work)
        frame = 0
        for image, duration in zip(slides, seconds, strict=True):
            for _ in range(duration):
                frame += 1
                image.save(folder / f"frame{frame:04d}.png", compress_level=1)
        command = [
            imageio_ffmpeg.get_ffmpeg_exe(),
            "-hide_banner",
            "-loglevel",
            "error",
            "-y",
            "-framerate",
            "1",
            "-i",
            str(folder / "frame%04d.png"),
            "-threads",
            "1",
            "-c:v",
            "libx264",
            "-preset",
            "medium",
            "-tune",
            "stillimage",
            "-crf",
            "26",
            "-pix_fmt",
            "yuv420p",
            "-g",
            "10",
            "-r",
            "1",
            "-map_metadata",
            "-1",
            "-fflags",
            "+bitexact",
            "-flags:v",
            "+bitexact",
            "-movflags",
            "+faststart",
            str(target),
        ]
        # The command is this project's own, run on the bundled ffmpeg binary.
        subprocess.run(command, check=True, capture_output=True)  # noqa: S603


# --- captions and transcript ---------------------------------------------------------------


def _timestamp(milliseconds: int) -> str:
    hours, rest = divmod(milliseconds, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    seconds, millis = divmod(rest, 1000)
    return f"{hours:02d}:{minutes:02d}:{seconds:02d}.{millis:03d}"


def caption_cues(script: dict) -> list[tuple[int, int, str]]:
    """(start ms, end ms, text): each slide's captions share its time by their length, a short
    one counted as 40 characters so that it stays on screen long enough to be read."""
    cues = []
    start = 0
    for slide in script["slides"]:
        span = slide["seconds"] * 1000
        weights = [max(len(text), 40) for text in slide["captions"]]
        total = sum(weights)
        at = start
        for i, (text, weight) in enumerate(zip(slide["captions"], weights, strict=True)):
            end = (
                start + span
                if i == len(slide["captions"]) - 1
                else at + round(span * weight / total)
            )
            cues.append((at, end, text))
            at = end
        start += span
    return cues


def captions(script: dict) -> str:
    blocks = ["WEBVTT", ""]
    for n, (start, end, text) in enumerate(caption_cues(script), 1):
        blocks += [str(n), f"{_timestamp(start)} --> {_timestamp(end)}", text, ""]
    return "\n".join(blocks)


def transcript(script: dict) -> str:
    title = html.escape(script["title"])
    sections = []
    for n, slide in enumerate(script["slides"], 1):
        points = "".join(f"<li>{html.escape(point)}</li>" for point in slide["points"])
        said = " ".join(html.escape(text) for text in slide["captions"])
        sections.append(
            f'<section aria-labelledby="slide-{n}">\n'
            f'<h2 id="slide-{n}">Slide {n}: {html.escape(slide["heading"])}</h2>\n'
            f"<p><strong>On screen:</strong></p>\n<ul>{points}</ul>\n"
            f"<p><strong>Captions:</strong> {said}</p>\n</section>"
        )
    body = "\n".join(sections)
    return f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Transcript: {title} – {html.escape(script["course"])}</title>
<link rel="stylesheet" href="../shared/course.css">
</head>
<body>
<header class="course-header"><p>{html.escape(script["course"])}</p></header>
<main>
<h1>Transcript: {title}</h1>
<p class="lede">The course video has no narration: its script is shown as captions. This page
holds the text of every slide and every caption, in order.</p>
{body}
</main>
</body>
</html>
"""


# --- the facilitator's guide ---------------------------------------------------------------


def _latin(text: str) -> str:
    """The PDF's core fonts hold Latin-1 only."""
    return text.replace("–", "-").replace("—", "-").replace("’", "'").replace("…", "...")


class _Guide(FPDF):
    def footer(self) -> None:
        self.set_y(-15)
        self.set_font("Helvetica", size=9)
        self.set_text_color(74, 82, 96)
        self.cell(
            0,
            10,
            f"Preliminary Investigations & Evidence - Facilitator's guide - page {self.page_no()}",
            align="C",
        )


def facilitator_guide(guide: dict) -> bytes:
    pdf = _Guide(format="Letter")
    pdf.set_creation_date(GUIDE_DATE)
    pdf.set_title(f"{guide['title']}: facilitator's guide")
    pdf.set_author("Learning Portal course team")
    pdf.set_subject(guide["subtitle"])
    pdf.set_lang("en-US")
    pdf.set_margins(22, 20, 22)
    pdf.set_auto_page_break(True, margin=22)
    pdf.add_page()

    def heading(text: str, size: int = 15) -> None:
        pdf.ln(3)
        pdf.set_font("Helvetica", "B", size)
        pdf.set_text_color(18, 57, 92)
        pdf.multi_cell(0, size * 0.5, _latin(text), new_x="LMARGIN", new_y="NEXT")
        pdf.ln(2)

    def paragraph(text: str) -> None:
        pdf.set_font("Helvetica", size=11)
        pdf.set_text_color(27, 31, 36)
        pdf.multi_cell(0, 5.6, _latin(text), new_x="LMARGIN", new_y="NEXT")
        pdf.ln(2)

    def bullets(items: list[str], numbered: bool = False) -> None:
        pdf.set_font("Helvetica", size=11)
        pdf.set_text_color(27, 31, 36)
        for n, item in enumerate(items, 1):
            mark = f"{n}." if numbered else "-"
            pdf.set_x(pdf.l_margin)
            pdf.cell(7, 5.6, mark)
            pdf.multi_cell(0, 5.6, _latin(item), new_x="LMARGIN", new_y="NEXT")
            pdf.ln(1)
        pdf.ln(1)

    pdf.set_font("Helvetica", "B", 22)
    pdf.set_text_color(18, 57, 92)
    pdf.multi_cell(0, 10, _latin(guide["title"]), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", size=14)
    pdf.multi_cell(0, 8, _latin(guide["subtitle"]), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    heading("About this session")
    for text in guide["about"]:
        paragraph(text)
    heading("Objectives")
    paragraph("By the end of the session, attendees will be able to:")
    bullets(guide["objectives"], numbered=True)
    heading("Session plan (4 hours)")
    pdf.set_font("Helvetica", size=10.5)
    pdf.set_text_color(27, 31, 36)
    with pdf.table(col_widths=(26, 18, 80), text_align="LEFT", line_height=6) as table:
        header = table.row()
        for title in ("Time", "Length", "Activity"):
            header.cell(title)
        for row in guide["plan"]:
            cells = table.row()
            for value in row:
                cells.cell(_latin(value))
    pdf.ln(4)
    heading("Discussion questions")
    for part in guide["parts"]:
        heading(part["title"], size=12)
        paragraph(part["teach"])
        bullets(part["questions"])
    heading("Scenario exercises")
    for exercise in guide["exercises"]:
        heading(exercise["title"], size=12)
        paragraph(f"Scenario: {exercise['scenario']}")
        paragraph(f"Ask: {exercise['ask']}")
        paragraph(f"Facilitator's notes: {exercise['notes']}")
    heading("Taking the roster")
    bullets(guide["roster"], numbered=True)
    return bytes(pdf.output())
