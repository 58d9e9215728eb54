"""The canvas: a QGraphicsScene that mirrors one `LayerGraph`, its node/edge/port items, and the view."""
