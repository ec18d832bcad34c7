"""remid: role-playing model generalization under distribution shift."""
