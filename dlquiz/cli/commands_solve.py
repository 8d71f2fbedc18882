"""(registered commands live here)"""
