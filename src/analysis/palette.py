"""The house colours, apart from matplotlib so that tables can name a chart's colours."""

# Okabe-Ito: distinguishable with the common forms of colour-vision deficiency.
PALETTE = {
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "green": "#009E73",
    "orange": "#E69F00",
    "sky": "#56B4E9",
    "purple": "#CC79A7",
    "yellow": "#F0E442",
    "black": "#000000",
}
SEQUENCE = tuple(PALETTE.values())
GREY = "#6E6E6E"
