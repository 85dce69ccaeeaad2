/* Registers the routines of the Rust static library (extendr_module! in rust/src/lib.rs). */
#include <R_ext/Rdynload.h>

void R_init_enrichsim_extendr(DllInfo *dll);

void R_init_enrichsim(DllInfo *dll) { R_init_enrichsim_extendr(dll); }
