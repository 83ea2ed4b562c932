# State per environment, encrypted, with a DynamoDB lock (created once by hand, see docs/operations.md).
bucket         = "mylog-terraform-state-production"
key            = "mylog/production.tfstate"
region         = "eu-west-1"
encrypt        = true
dynamodb_table = "mylog-terraform-locks"
