# null where null makes no sense (issue 17): every input with a non-null default is
# `nullable = false`, so null takes the default instead of failing deep inside a validation or a
# for expression ("Iteration over null value"). A required input set to null is refused at plan
# time naming the variable; terraform test cannot expect that error (it is not a checkable
# object's failure), so tests/terraform/nullable_test.ts plans it and reads the diagnostic.
mock_provider "aws" {
  source = "../../tests/terraform/mocks"
}

run "null_list_takes_its_default" {
  command = plan

  variables {
    buckets            = null
    egress_cidr_blocks = null
    extra_secrets      = null
    tool_categories    = null
    role_mode          = null
    port               = null
  }

  assert {
    condition     = length(var.buckets) == 0 && length(var.egress_cidr_blocks) == 0 && length(var.extra_secrets) == 0
    error_message = "a null list or map input must take its default, not stay null"
  }

  assert {
    condition     = var.role_mode == "per-user" && var.port == 8080 && length(var.tool_categories) > 0
    error_message = "a null string, number or list input must take its default"
  }
}
