"""Payment helpers: VietQR transfer codes and amounts in words for receipts."""
