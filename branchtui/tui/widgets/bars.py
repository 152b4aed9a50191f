"""Progress bars drawn with block characters: they cost a few bytes over SSH
and read the same in a 16-colour terminal."""

from __future__ import annotations

from rich.text import Text

FULL, EMPTY = "█", "░"


def bar(ratio: float, width: int = 10, label: str | None = None, style: str | None = None) -> Text:
    """A bar coloured by progress (green when complete), or in a fixed ``style``
    for shares where less is not worse (e.g. probationary members)."""
    ratio = max(0.0, min(1.0, ratio))
    filled = round(ratio * width)
    style = style or ("green" if ratio >= 0.999 else ("yellow" if ratio >= 0.6 else "red"))
    text = Text(FULL * filled, style=style)
    text.append(EMPTY * (width - filled), style="dim")
    text.append(f" {label if label is not None else f'{ratio:.0%}'}")
    return text


BLOCKS = "▁▂▃▄▅▆▇█"


def spark(values) -> str:
    """A one-line bar chart (one block per value), e.g. loans disbursed per month."""
    values = [float(v) for v in values]
    top = max(values, default=0.0)
    if top <= 0:
        return BLOCKS[0] * len(values)
    return "".join(BLOCKS[0] if v <= 0 else BLOCKS[1 + round((len(BLOCKS) - 2) * v / top)] for v in values)
