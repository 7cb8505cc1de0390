# Values of the placeholders in policies/ (policies/placeholders.json documents each one).
# category_policies.tf, generated from those templates, reads them to render every policy in plain
# HCL, so scanners see the same statements that tests/policies.tftest.hcl compares with
# policies/render.ts's rendering.
locals {
  # s3://bucket/prefix of the Athena results: the athena policy is scoped to it.
  athena_results = var.athena_output_location == null ? null : regex("^s3://([^/]+)/?(.*)$", var.athena_output_location)
  athena_results_prefix = local.athena_results == null ? null : (
    local.athena_results[1] == "" || endswith(local.athena_results[1], "/") ? local.athena_results[1] : "${local.athena_results[1]}/"
  )

  policy_values = {
    partition             = local.partition
    region                = local.region
    account_id            = local.account_id
    bucket                = var.buckets
    athena_workgroup      = var.athena_workgroup
    athena_results_bucket = local.athena_results == null ? "" : local.athena_results[0]
    athena_results_prefix = local.athena_results == null ? "" : local.athena_results_prefix
    glue_database         = var.glue_databases
    task_role_arn         = aws_iam_role.task.arn
    data_role_arn         = var.allowed_role_arns
    # per-user: a data role simulates the allow-listed data roles; single-tenant: the task role itself.
    self_role_arn   = var.role_mode == "per-user" ? var.allowed_role_arns : [aws_iam_role.task.arn]
    subject_pattern = var.subject_pattern
    session_tag_key = [for t in var.session_tag_claims : split("=", t)[0]]
  }
  # The ECS trust names the region of the tasks, which AWS_REGION (var.aws_region) may differ from.
  ecs_policy_values = {
    partition  = local.partition
    region     = data.aws_region.current.id
    account_id = local.account_id
  }

  # A category renders only when every placeholder it needs has a value (e.g. athena needs the
  # results location and Glue databases); per-user mode leaves the others out of the output,
  # single-tenant mode refuses to plan (the task role would lack what its tools call).
  # (Every document is evaluated even when its category is off, so a missing string is "" here and
  # listed in missing_policy_values.)
  missing_policy_values = local.athena_results == null ? ["athena_results_bucket", "athena_results_prefix"] : []
  category_renderable = {
    for c, needed in local.category_policy_requirements : c => alltrue([
      for p in needed : contains(local.policy_list_placeholders, p) ? length(local.policy_values[p]) > 0 : !contains(local.missing_policy_values, p)
    ])
  }

  category_policies = {
    for c in var.tool_categories : c => jsonencode(local.category_policy_documents[c])
    if contains(keys(local.category_policy_documents), c) && lookup(local.category_renderable, c, false)
  }

  unrendered_categories = [
    for c in var.tool_categories : c
    if contains(keys(local.category_policy_documents), c) && !lookup(local.category_renderable, c, false)
  ]
}
