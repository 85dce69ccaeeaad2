# A minimal JSON writer for the oracle scripts in tests/r (base R only, no jsonlite), sourced by
# each tests/r/oracle_*.R. Layout: two-space indent, one array element or object member a line.
#   named list    -> object (members in the list's order)
#   unnamed list  -> array
#   numeric       -> a number if of length 1, else an array (I(x) forces an array); NA, NaN and
#                    +-Inf -> null; printed with 15 significant digits ("%.15g")
#   character     -> string (length 1) or array of strings
#   NULL, NA      -> null
json_digits <- 15

json_string <- function(s) {
  s <- gsub("\\", "\\\\", s, fixed = TRUE)
  s <- gsub("\"", "\\\"", s, fixed = TRUE)
  s <- gsub("\n", "\\n", s, fixed = TRUE)
  s <- gsub("\t", "\\t", s, fixed = TRUE)
  paste0("\"", s, "\"")
}

json_scalar <- function(x) {
  if (is.null(x) || (length(x) == 1 && is.na(x))) return("null")
  if (is.character(x)) return(json_string(x))
  if (is.logical(x)) return(if (x) "true" else "false")
  if (!is.finite(x)) return("null")
  out <- sprintf(paste0("%.", json_digits, "g"), as.numeric(x))
  if (out == "-0") "0" else out
}

to_json <- function(x, indent = 0) {
  pad <- strrep(" ", indent + 2)
  end <- strrep(" ", indent)
  if (is.null(x)) return("null")
  if (is.list(x)) {
    if (length(x) == 0) return(if (is.null(names(x))) "[]" else "{}")
    items <- vapply(x, to_json, "", indent = indent + 2)
    if (!is.null(names(x))) {
      items <- paste0(json_string(names(x)), ": ", items)
      return(paste0("{\n", pad, paste(items, collapse = paste0(",\n", pad)), "\n", end, "}"))
    }
    return(paste0("[\n", pad, paste(items, collapse = paste0(",\n", pad)), "\n", end, "]"))
  }
  if (length(x) == 1 && !inherits(x, "AsIs")) return(json_scalar(x))
  x <- unclass(x)
  if (length(x) == 0) return("[]")
  items <- vapply(seq_along(x), function(i) json_scalar(x[[i]]), "")
  paste0("[\n", pad, paste(items, collapse = paste0(",\n", pad)), "\n", end, "]")
}

# The versions of R and the packages, read at run time: "R 4.2.2, rpact 3.3.4".
software_string <- function(packages) {
  versions <- vapply(packages, function(p) utils::packageDescription(p)$Version, "")
  paste(c(paste("R", as.character(getRversion())), paste(packages, versions)), collapse = ", ")
}

# Writes {"source": {...}, "values": values} to standard output.
write_oracle <- function(script, output, calls, values, notes = NULL,
                         packages = "rpact",
                         debian = "r-base-core r-cran-rpact r-cran-survival r-cran-mnormt") {
  source <- list(
    software = software_string(packages),
    script = script,
    calls = calls,
    regenerate = sprintf("Rscript %s > %s", script, output),
    debian_packages = debian
  )
  if (!is.null(notes)) source$notes <- notes
  cat(to_json(list(source = source, values = values)), "\n", sep = "")
}
