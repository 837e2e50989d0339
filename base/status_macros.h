#pragma once

// abseil 20220623 has neither RETURN_IF_ERROR nor ASSIGN_OR_RETURN; these are ours, written once.

#include "absl/status/status.h"
#include "absl/status/statusor.h"

#define CONFAB_CONCAT_INNER_(a, b) a##b
#define CONFAB_CONCAT_(a, b) CONFAB_CONCAT_INNER_(a, b)

// Evaluates `expr` (an absl::Status) and returns it from the calling function if it is not OK.
#define RETURN_IF_ERROR(expr)                     \
  do {                                            \
    ::absl::Status confab_status_ = (expr);       \
    if (!confab_status_.ok()) {                   \
      return confab_status_;                      \
    }                                             \
  } while (false)

// ASSIGN_OR_RETURN(lhs, expr): evaluates `expr` (an absl::StatusOr<T>); on error returns its
// status, else moves the value into `lhs` (which may be a declaration: `auto x`).
#define ASSIGN_OR_RETURN(lhs, expr) \
  CONFAB_ASSIGN_OR_RETURN_IMPL_(CONFAB_CONCAT_(confab_statusor_, __LINE__), lhs, expr)

#define CONFAB_ASSIGN_OR_RETURN_IMPL_(statusor, lhs, expr) \
  auto statusor = (expr);                                  \
  if (!statusor.ok()) {                                    \
    return std::move(statusor).status();                   \
  }                                                        \
  lhs = std::move(statusor).value()
