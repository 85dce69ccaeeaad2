library(testthat)
library(enrichsim)

test_check("enrichsim")
