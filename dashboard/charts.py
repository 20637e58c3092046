"""Plotly figure builders: data and already-translated labels in, a figure out.

Pure functions that never call Streamlit. Colours come from the Okabe–Ito palette, which
stays distinguishable with every common colour-vision deficiency. Traces that plot counts
carry ``meta="count"`` so tests can check that hidden small counts never reach a chart;
a hidden count arrives here as ``None`` with its text ("<5") beside it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import plotly.graph_objects as go

OKABE_ITO = ("#0072B2", "#E69F00", "#009E73", "#D55E00", "#56B4E9", "#CC79A7", "#F0E442", "#000000")
STAGE_COLOURS = {
    "awareness": "#56B4E9",
    "engagement": "#009E73",
    "commitment": "#E69F00",
    "action": "#D55E00",
}
LABEL_AT = 1.04  # where a rate chart writes its values: past every bar and error bar
FONT = dict(family="system-ui, -apple-system, Segoe UI, Roboto, sans-serif", size=13)


def _layout(fig: go.Figure, title: str, height: int = 380, **extra: Any) -> go.Figure:
    fig.update_layout(
        title=dict(text=title, x=0, xanchor="left"),
        height=height,
        font=FONT,
        margin=dict(l=10, r=10, t=50, b=10),
        colorway=list(OKABE_ITO),
        legend=dict(orientation="h", y=-0.15),
        **extra,
    )
    return fig


def funnel(
    labels: Sequence[str],
    values: Sequence,
    texts: Sequence[str],
    title: str,
    colours: Sequence[str] | None = None,
) -> go.Figure:
    """A funnel from the widest stage down; ``texts`` are the formatted values."""
    fig = go.Figure(
        go.Funnel(
            y=list(labels),
            x=list(values),
            text=list(texts),
            textinfo="text",
            meta="count",
            marker=dict(color=list(colours or OKABE_ITO[: len(labels)])),
            hovertemplate="%{y}: %{text}<extra></extra>",
            connector=dict(line=dict(width=0)),
        )
    )
    return _layout(fig, title)


def lines(
    x: Sequence,
    series: Mapping[str, Sequence],
    title: str,
    y_title: str,
    colours: Mapping[str, str] | None = None,
    log: bool = False,
    missing: Sequence = (),
    missing_text: str = "",
) -> go.Figure:
    """One line per series over ``x`` (months); a ``None`` value is a gap in the line, and
    each x in ``missing`` is shaded and marked ``missing_text`` (data not recorded yet)."""
    fig = go.Figure()
    for where in missing:
        fig.add_shape(
            type="line",
            x0=where,
            x1=where,
            xref="x",
            y0=0,
            y1=1,
            yref="paper",
            line=dict(color="#999999", width=1, dash="dot"),
        )
        fig.add_annotation(
            x=where,
            xref="x",
            y=0.5,
            yref="paper",
            text=missing_text,
            textangle=-90,
            showarrow=False,
            xshift=-9,
            font=dict(size=11, color="#555555"),
        )
    for i, (name, values) in enumerate(series.items()):
        colour = (colours or {}).get(name, OKABE_ITO[i % len(OKABE_ITO)])
        fig.add_trace(
            go.Scatter(
                x=list(x),
                y=list(values),
                name=name,
                mode="lines+markers",
                line=dict(color=colour),
                meta="count",
                connectgaps=False,
            )
        )
    fig.update_yaxes(title=y_title, type="log" if log else "linear", rangemode="tozero")
    fig.update_xaxes(tickangle=-60, tickfont=dict(size=11), automargin=True)
    _layout(fig, title, height=420)
    # the legend above the plot: below it, it would hide the slanted month names
    fig.update_layout(legend=dict(orientation="h", y=1.0, yanchor="bottom", x=1, xanchor="right"))
    return fig


def bars(
    categories: Sequence[str],
    series: Mapping[str, tuple[Sequence, Sequence[str]]],
    title: str,
    value_title: str,
    horizontal: bool = False,
    colours: Sequence[str] | None = None,
) -> go.Figure:
    """Grouped bars: ``series`` maps a name to (values, formatted texts)."""
    fig = go.Figure()
    palette = list(colours or OKABE_ITO)
    for i, (name, (values, texts)) in enumerate(series.items()):
        axes = (
            dict(y=list(categories), x=list(values), orientation="h")
            if horizontal
            else dict(x=list(categories), y=list(values))
        )
        fig.add_trace(
            go.Bar(
                name=name,
                text=list(texts),
                textposition="outside",
                marker_color=palette[i % len(palette)],
                meta="count",
                hovertemplate="%{fullData.name}: %{text}<extra></extra>",
                **axes,
            )
        )
    if horizontal:
        fig.update_xaxes(title=value_title)
        fig.update_yaxes(autorange="reversed")
    else:
        fig.update_yaxes(title=value_title)
    return _layout(
        fig,
        title,
        barmode="group",
        height=max(380, 28 * len(categories) + 120) if horizontal else 400,
    )


def stage_panels(
    categories: Sequence[str],
    series: Mapping[str, tuple[Sequence, Sequence[str]]],
    title: str,
    colours: Sequence[str],
) -> go.Figure:
    """One panel per stage side by side, each on its own linear scale: channels whose counts
    differ a thousandfold stay readable without a log scale."""
    from plotly.subplots import make_subplots

    fig = make_subplots(
        rows=1,
        cols=len(series),
        shared_yaxes=True,
        horizontal_spacing=0.03,
        subplot_titles=list(series),
    )
    for i, (name, (values, texts)) in enumerate(series.items(), start=1):
        fig.add_trace(
            go.Bar(
                y=list(categories),
                x=list(values),
                orientation="h",
                name=name,
                text=list(texts),
                textposition="outside",
                cliponaxis=False,
                marker_color=colours[(i - 1) % len(colours)],
                meta="count",
                showlegend=False,
                hovertemplate="%{y}: %{text}<extra></extra>",
            ),
            row=1,
            col=i,
        )
        top = max([v for v in values if v is not None] or [1])
        fig.update_xaxes(range=[0, top * 1.45], showticklabels=False, row=1, col=i)
    fig.update_yaxes(autorange="reversed", tickfont_size=13)
    return _layout(fig, title, height=max(300, 40 * len(categories) + 120))


def rates(
    categories: Sequence[str],
    values: Sequence,
    lows: Sequence,
    highs: Sequence,
    texts: Sequence[str],
    title: str,
    value_title: str,
    colour: str = OKABE_ITO[0],
) -> go.Figure:
    """Shares with their 95% interval as error bars (values between 0 and 1)."""
    plus = [None if v is None or h is None else h - v for v, h in zip(values, highs, strict=True)]
    minus = [
        None if v is None or lo is None else v - lo for v, lo in zip(values, lows, strict=True)
    ]
    fig = go.Figure(
        go.Bar(
            y=list(categories),
            x=list(values),
            orientation="h",
            marker_color=colour,
            error_x=dict(type="data", symmetric=False, array=plus, arrayminus=minus, color="#555"),
            hovertext=list(texts),
            hovertemplate="%{y}: %{hovertext}<extra></extra>",
        )
    )
    # the values in a column of their own, right of 100 %: never under an error bar
    fig.add_trace(
        go.Scatter(
            y=list(categories),
            x=[LABEL_AT] * len(categories),
            mode="text",
            text=list(texts),
            textposition="middle right",
            showlegend=False,
            hoverinfo="skip",
        )
    )
    fig.update_xaxes(
        title=value_title,
        tickformat=".0%",
        range=[0, LABEL_AT + 0.2],
        tickvals=[0, 0.25, 0.5, 0.75, 1],
    )
    fig.update_yaxes(autorange="reversed")
    return _layout(fig, title, height=max(300, 34 * len(categories) + 120))


def pyramid(labels: Sequence[str], values: Sequence, texts: Sequence[str], title: str) -> go.Figure:
    """The engagement pyramid: one layer per tier, ``labels`` from the top tier down, each
    layer as high as the others and wider than the one above (the pyramid's shape is the
    model's, not the counts'), its count of people written beside it."""
    tiers = len(labels)
    fig = go.Figure()

    def half_width(height: float) -> float:  # the apex at the top, 1 at the base
        return (tiers - height) / tiers

    for i, (label, value, text) in enumerate(zip(labels, values, texts, strict=True)):
        low, high = tiers - i - 1, tiers - i
        xs = [
            -half_width(low),
            half_width(low),
            half_width(high),
            -half_width(high),
            -half_width(low),
        ]
        fig.add_trace(
            go.Scatter(
                x=xs,
                y=[low, low, high, high, low],
                fill="toself",
                mode="lines",
                name=label,
                line=dict(width=1, color="white"),
                fillcolor=OKABE_ITO[i % len(OKABE_ITO)],
                meta="pyramid",
                customdata=[value] * 5,
                text=[text] * 5,
                showlegend=False,
                hovertemplate=f"{label}: %{{text}}<extra></extra>",
            )
        )
        fig.add_annotation(
            x=half_width(low + 0.5) + 0.04,
            y=low + 0.5,
            xanchor="left",
            showarrow=False,
            text=f"<b>{label}</b> · {text}",
        )
    fig.update_xaxes(visible=False, range=[-1.05, 2.0])
    fig.update_yaxes(visible=False, range=[-0.05, tiers + 0.05])
    return _layout(fig, title, height=420, plot_bgcolor="white")


def sankey(
    nodes: Sequence[str],
    sources: Sequence[int],
    targets: Sequence[int],
    values: Sequence,
    title: str,
    colour_index: Sequence[int] | None = None,
) -> go.Figure:
    """Flows between nodes; ``colour_index`` gives one colour to a node shown twice."""
    index = list(colour_index or range(len(nodes)))
    fig = go.Figure(
        go.Sankey(
            node=dict(
                label=list(nodes),
                pad=18,
                thickness=16,
                color=[OKABE_ITO[i % len(OKABE_ITO)] for i in index],
            ),
            link=dict(source=list(sources), target=list(targets), value=list(values)),
            meta="count",
        )
    )
    return _layout(fig, title, height=460)


def heatmap(
    rows: Sequence[str],
    columns: Sequence[str],
    shares: Sequence[Sequence],
    texts: Sequence[Sequence],
    title: str,
    x_title: str,
    y_title: str,
) -> go.Figure:
    """Retention cohorts: share of each cohort (row) acting again N months later (column)."""
    fig = go.Figure(
        go.Heatmap(
            z=shares,
            x=list(columns),
            y=list(rows),
            text=texts,
            texttemplate="%{text}",
            colorscale=[[0, "#f7f7f7"], [1, "#0072B2"]],
            zmin=0,
            zmax=1,
            showscale=False,
            hovertemplate="%{y} · %{x}: %{text}<extra></extra>",
        )
    )
    fig.update_xaxes(title=x_title, type="category")
    fig.update_yaxes(title=y_title, type="category", autorange="reversed")
    return _layout(fig, title, height=max(300, 30 * len(rows) + 140))
