// The umbrella module: `import ZeroToHero` gives a lecture every engine and workbook module.
@_exported import Curriculum
@_exported import Datasets
@_exported import Kernels
@_exported import Makemore
@_exported import Micrograd
@_exported import NN
@_exported import Notebook
@_exported import Quiz
@_exported import Random
@_exported import Report
@_exported import Tensor
@_exported import Tokenizer
