"""Re-scoring a period under another rubric: an explicit job, logged, resumable after a crash."""
