"""Tests of slrbcall.sheets, the spreadsheet reading layer."""
