"""The book layer: chapter parameters, the results contract, the chapter kit notebooks call,
and the runner that executes chapters and builds the HTML book."""

#: Chapter ids used on the command line, in reading order, with their notebook files.
CHAPTERS = {
    "rotation": "rotation.ipynb",
    "momentum": "momentum.ipynb",
    "valuation": "valuation.ipynb",
    "graduation": "graduation.ipynb",
    "robustness": "robustness.ipynb",
    "scorecard": "scorecard.ipynb",
    "data": "data.ipynb",
    "intro": "intro.ipynb",
    "review": "review.ipynb",
}

#: Pages that read the thesis chapters' results (the landing page, the scorecard and the review
#: page): every run
#: executes them after the thesis chapters.
RESULT_READERS = ("scorecard", "intro", "review")

#: Thesis chapters and the claim ids each must publish (the scorecard checks them all).
THESIS_CLAIMS = {
    "rotation": ("R1", "R2", "R3", "R4", "R5", "R6", "R7"),
    "momentum": ("M1", "M2", "M3", "M4", "M5"),
    "valuation": ("V1", "V2", "V3", "V4", "V5"),
    "graduation": ("G1", "G2", "G3", "G4", "G5"),
}

#: Chapters that are not re-run with new dates by ``smallcaps run``: the Robustness page reads
#: the committed specification sweep (``smallcaps sweep`` explores other windows).
NOT_RERUN = ("robustness",)
