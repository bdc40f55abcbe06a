//! Workspace-level integration tests for corsim; see the files under `tests/`.
