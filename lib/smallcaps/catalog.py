"""The datasets the book uses: what ``smallcaps data fetch --all`` downloads and what the data
appendix lists. Chapters may load others; these are the defaults."""

from __future__ import annotations

#: Kenneth French data-library files (names as in the library).
FRENCH = (
    "F-F_Research_Data_Factors",
    "F-F_Research_Data_5_Factors_2x3",
    "F-F_Momentum_Factor",
    "6_Portfolios_ME_Prior_12_2",
    "25_Portfolios_5x5",
    "25_Portfolios_ME_OP_5x5",
    "Portfolios_Formed_on_ME",
    "Portfolios_Formed_on_E-P",
    "Portfolios_Formed_on_D-P",
)

#: FRED series: high-yield OAS, Moody's Baa/Aaa yields (monthly) and spreads to the 10-year (daily).
FRED = ("BAMLH0A0HYM2", "BAA10Y", "AAA10Y", "BAA", "AAA")

#: ETFs and Yahoo yield indices the chapters use (grouped by role).
ETFS = {
    "broad small cap": ("IWM", "IJR", "VTWO", "VB", "SCHA", "SPSM", "VIOO", "IWC", "EES"),
    "broad large cap": ("SPY", "IVV", "VOO", "IWB", "RSP", "QQQ", "VTI", "ITOT", "IWV"),
    "mid cap": ("IJH", "MDY", "IWR", "IJJ", "IJK", "IWS", "IWP", "XMMO"),
    "small-cap quality and dividend": ("OUSM", "XSHQ", "SMDV", "DES", "SDVY", "REGL", "CALF", "AVUV", "DFAS", "FNDA",
                                       "SMLF"),
    "small-cap style and factor": ("IJS", "IJT", "SLYG", "SLYV", "VBR", "VBK", "IWN", "IWO", "XSMO", "XSVM", "XSLV",
                                   "DWAS", "PDP", "QQQS"),
    "large-cap factor": ("OUSA", "QUAL", "SPHQ", "DGRW", "SCHD", "COWZ", "PRF", "MTUM", "SPMO", "USMV", "VLUE", "SIZE"),
    "small-cap sectors": ("PSCI", "PSCT", "PSCH", "PSCF", "PSCE", "PSCD", "PSCC", "PSCU", "PSCM"),
    "large-cap sectors": ("XLB", "XLC", "XLE", "XLF", "XLI", "XLK", "XLP", "XLRE", "XLU", "XLV", "XLY"),
    "industries": ("KRE", "IBB", "XBI", "SMH"),
    "bonds and cash": ("HYG", "JNK", "LQD", "TLT", "IEF", "SHY", "BIL"),
    "other": ("GLD",),
    "yields (percent)": ("^TNX", "^IRX"),
}

ALL_ETFS = tuple(t for group in ETFS.values() for t in group)

#: Indices whose point-in-time membership comes from pitindex.
INDICES = ("sp600", "sp400", "sp500")
