"""Pure-Python analysis of elimination-diet diaries: no Django import anywhere in this package."""
