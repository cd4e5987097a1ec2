"""${{ values.name }}: ${{ values.description | replace('"', "'") }}"""

__version__ = "0.1.0"
