"""The link graph, in networkx (only this family imports it): build the MultiDiGraph from the
catalog's references, select parts of it, compute statistics, and write it out."""
