# Values of the placeholders in policies/<category>.json (policies/placeholders.json documents
# them). category_policies.tf, generated from those files, uses these to render each category's
# policy in plain HCL, so scanners read the same statements the tests compare with policies/.
locals {
  # Statements whose resources expand to nothing (e.g. no buckets given) are dropped; a category
  # left without statements is not rendered.
  category_policies = {
    for c in var.tool_categories : c => jsonencode({
      Version   = "2012-10-17"
      Statement = [for s in local.category_policy_documents[c] : s if length(s.Resource) > 0]
    })
    if contains(keys(local.category_policy_documents), c)
  }
}
