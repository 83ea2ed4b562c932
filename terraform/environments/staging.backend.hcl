# State per environment, encrypted, with a DynamoDB lock (created once by hand, see docs/operations.md).
bucket         = "mylog-terraform-state-staging"
key            = "mylog/staging.tfstate"
region         = "eu-west-1"
encrypt        = true
dynamodb_table = "mylog-terraform-locks"
