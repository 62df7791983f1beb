"""What leaves sfdoctor: the one redaction point, the report files and the renderers
(console, JSON, text, Markdown, HTML, SVG, JUnit).

Renderers only format: a report in, a string or a rich renderable out. May import records
and ``diagnosis`` (the knowledge base's words). Never ``probes``, ``check`` or a command.
"""
