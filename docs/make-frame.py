"""Draws the bundled example frame, templates/jalsa-badge/frame.png (run from the repo root).

A 1080x1080 profile-picture badge: the supporter's photo shows through a round window in
a green ring with a red rim, over a banner that carries the frame's one caption box.
Needs Pillow (pip install pillow); the PNG it writes is what the repository ships.
"""

from PIL import Image, ImageDraw

SIZE = 1080
SCALE = 4  # drawn large and scaled down, for smooth edges
GREEN = (16, 94, 44, 255)
DARK = (8, 60, 28, 255)
RED = (198, 40, 40, 255)
WHITE = (255, 255, 255, 255)
CLEAR = (0, 0, 0, 0)

big = SIZE * SCALE
image = Image.new("RGBA", (big, big), DARK)
draw = ImageDraw.Draw(image)


def circle(radius, fill):
    c = big / 2
    r = radius * SCALE
    draw.ellipse((c - r, c - r, c + r, c + r), fill=fill)


circle(540, GREEN)
circle(478, RED)
circle(466, WHITE)
circle(458, CLEAR)
# Stars on the ring, as on a party flag.
for angle in range(0, 360, 30):
    import math

    a = math.radians(angle - 90)
    cx = big / 2 + math.cos(a) * 508 * SCALE
    cy = big / 2 + math.sin(a) * 508 * SCALE
    r = 9 * SCALE
    draw.ellipse((cx - r, cy - r, cx + r, cy + r), fill=WHITE)
# The banner for the caption.
draw.rounded_rectangle(
    (150 * SCALE, 812 * SCALE, 930 * SCALE, 948 * SCALE),
    radius=30 * SCALE,
    fill=RED,
    outline=WHITE,
    width=8 * SCALE,
)
image.resize((SIZE, SIZE), Image.LANCZOS).save("templates/jalsa-badge/frame.png", optimize=True)
