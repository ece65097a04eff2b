"""The whole-program model over module summaries: the project index, routes, import roots and versions. Knows no rule."""
