terraform {
  # 1.5.7: the last MPL-licensed release many platforms pin; tests (mock_provider) need 1.7+.
  required_version = ">= 1.5.7"

  required_providers {
    aws = {
      source = "hashicorp/aws"
      # Valid for both 5.x and 6.x: only attributes present in both are used (tested with 5.100).
      version = ">= 5.70, < 7.0"
    }
  }
}
