"""Rubrics as versioned data: the file format, the facts they may use, the engine, the book."""
