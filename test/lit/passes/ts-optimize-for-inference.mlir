// ts-optimize-for-inference on an unfrozen module instance: freeze, then the frozen-graph folds
// (dropout gone, batch_norm folded into the conv), then the inference rewrites (linear -> matmul
// with a pre-transposed weight + add; relu moved after max_pool).
// RUN: ts-opt %s -p ts-optimize-for-inference | filecheck %s
// RUN: ts-opt %s -p ts-freeze,ts-optimize-for-inference | filecheck %s

// CHECK:      ts.class_type module @__torch__.Small {
// CHECK-NEXT:   ts.method "forward" = @__torch__.Small.forward
// CHECK-NEXT: }
// CHECK:      %self.conv.weight_fused_bn = ts.constant dense<{{.*}}> : tensor<2x1x1x1xf32>
// CHECK:      %self.conv.bias_fused_bn = ts.constant
// CHECK:      %self.fc.weight_t = ts.constant dense<[[-5.000000e-01, 0.000000e+00], [-2.500000e-01, 2.500000e-01]]>
// CHECK:      %[[CONV:.*]] = ts.conv2d %x, %self.conv.weight_fused_bn, %self.conv.bias_fused_bn
// CHECK-NEXT: %[[POOL:.*]] = ts.max_pool2d %[[CONV]]
// CHECK-NEXT: %[[RELU:.*]] = ts.relu %[[POOL]]
// CHECK-NEXT: %[[FLAT:.*]] = ts.flatten %[[RELU]]
// CHECK-NEXT: %[[MM:.*]] = ts.matmul %[[FLAT]], %self.fc.weight_t
// CHECK-NEXT: ts.add %[[MM]]
// CHECK-NOT:  ts.batch_norm
// CHECK-NOT:  ts.dropout
// CHECK-NOT:  ts.linear
// CHECK:      %self = ts.object "__torch__.Small"() {root}

builtin.module {
  ts.class_type module @__torch__.tsjit.nn.modules.conv.Conv2d {
    ts.attr "weight" : !ts.tensor parameter
    ts.attr "bias" : !ts.tensor parameter
    ts.attr "training" : !ts.bool
    ts.method "forward" = @__torch__.tsjit.nn.modules.conv.Conv2d.forward
    ts.method "_conv_forward" = @__torch__.tsjit.nn.modules.conv.Conv2d._conv_forward
  }
  ts.class_type module @__torch__.tsjit.nn.modules.batchnorm.BatchNorm2d {
    ts.attr "weight" : !ts.tensor parameter
    ts.attr "bias" : !ts.tensor parameter
    ts.attr "running_mean" : !ts.tensor buffer
    ts.attr "running_var" : !ts.tensor buffer
    ts.attr "num_batches_tracked" : !ts.tensor buffer
    ts.attr "training" : !ts.bool
    ts.method "forward" = @__torch__.tsjit.nn.modules.batchnorm.BatchNorm2d.forward
    ts.method "_check_input_dim" = @__torch__.tsjit.nn.modules.batchnorm.BatchNorm2d._check_input_dim
  }
  ts.class_type module @__torch__.tsjit.nn.modules.linear.Linear {
    ts.attr "weight" : !ts.tensor parameter
    ts.attr "bias" : !ts.tensor parameter
    ts.attr "training" : !ts.bool
    ts.method "forward" = @__torch__.tsjit.nn.modules.linear.Linear.forward
  }
  ts.class_type module @__torch__.tsjit.nn.modules.dropout.Dropout {
    ts.attr "training" : !ts.bool
    ts.method "forward" = @__torch__.tsjit.nn.modules.dropout.Dropout.forward
  }
  ts.class_type module @__torch__.Small {
    ts.attr "conv" : !ts.class<"__torch__.tsjit.nn.modules.conv.Conv2d">
    ts.attr "bn" : !ts.class<"__torch__.tsjit.nn.modules.batchnorm.BatchNorm2d">
    ts.attr "fc" : !ts.class<"__torch__.tsjit.nn.modules.linear.Linear">
    ts.attr "drop" : !ts.class<"__torch__.tsjit.nn.modules.dropout.Dropout">
    ts.attr "training" : !ts.bool
    ts.method "forward" = @__torch__.Small.forward
  }
  func.func @__torch__.tsjit.nn.modules.conv.Conv2d._conv_forward(%self: !ts.class<"__torch__.tsjit.nn.modules.conv.Conv2d">, %input: !ts.tensor, %weight: !ts.tensor, %bias: !ts.optional<!ts.tensor>) -> !ts.tensor {
    %0 = ts.constant [1, 1] : !ts.list<!ts.int>
    %1 = ts.constant [0, 0] : !ts.list<!ts.int>
    %2 = ts.constant [1, 1] : !ts.list<!ts.int>
    %3 = ts.constant 1
    %4 = ts.conv2d %input, %weight, %bias, %0, %1, %2, %3 : (!ts.tensor, !ts.tensor, !ts.optional<!ts.tensor>, !ts.list<!ts.int>, !ts.list<!ts.int>, !ts.list<!ts.int>, !ts.int) -> !ts.tensor
    func.return %4 : !ts.tensor
  }
  func.func @__torch__.tsjit.nn.modules.conv.Conv2d.forward(%self: !ts.class<"__torch__.tsjit.nn.modules.conv.Conv2d">, %input: !ts.tensor) -> !ts.tensor {
    %weight = ts.get_attr %self["weight"] : !ts.class<"__torch__.tsjit.nn.modules.conv.Conv2d"> -> !ts.tensor
    %bias = ts.get_attr %self["bias"] : !ts.class<"__torch__.tsjit.nn.modules.conv.Conv2d"> -> !ts.tensor
    %0 = ts.call_method %self["_conv_forward"] (%input, %weight, %bias) : (!ts.class<"__torch__.tsjit.nn.modules.conv.Conv2d">, !ts.tensor, !ts.tensor, !ts.tensor) -> !ts.tensor
    func.return %0 : !ts.tensor
  }
  func.func @__torch__.tsjit.nn.modules.batchnorm.BatchNorm2d._check_input_dim(%self: !ts.class<"__torch__.tsjit.nn.modules.batchnorm.BatchNorm2d">, %input: !ts.tensor) -> !ts.none {
    %0 = ts.dim %input : (!ts.tensor) -> !ts.int
    %1 = ts.constant 4
    %2 = ts.scalar.ne %0, %1 : (!ts.int, !ts.int) -> !ts.bool
    ts.if %2 {
      %3 = ts.dim %input : (!ts.tensor) -> !ts.int
      %4 = ts.constant "expected 4D input (got {}D input)"
      %5 = ts.str.format %4, %3 : !ts.int
      ts.raise %5, "builtins.ValueError"
      ts.yield
    } else {
      ts.yield
    }
    %6 = ts.constant none
    func.return %6 : !ts.none
  }
  func.func @__torch__.tsjit.nn.modules.batchnorm.BatchNorm2d.forward(%self: !ts.class<"__torch__.tsjit.nn.modules.batchnorm.BatchNorm2d">, %input: !ts.tensor) -> !ts.tensor {
    %0 = ts.call_method %self["_check_input_dim"] (%input) : (!ts.class<"__torch__.tsjit.nn.modules.batchnorm.BatchNorm2d">, !ts.tensor) -> !ts.none
    %training = ts.get_attr %self["training"] : !ts.class<"__torch__.tsjit.nn.modules.batchnorm.BatchNorm2d"> -> !ts.bool
    %1 = ts.if %training -> (!ts.bool) {
      %2 = ts.constant true
      ts.yield %2 : !ts.bool
    } else {
      %3 = ts.constant false
      ts.yield %3 : !ts.bool
    }
    ts.if %1 {
      %num_batches_tracked = ts.get_attr %self["num_batches_tracked"] : !ts.class<"__torch__.tsjit.nn.modules.batchnorm.BatchNorm2d"> -> !ts.tensor
      %num_batches_tracked_1 = ts.get_attr %self["num_batches_tracked"] : !ts.class<"__torch__.tsjit.nn.modules.batchnorm.BatchNorm2d"> -> !ts.tensor
      %4 = ts.constant 1
      %5 = ts.constant 1
      %6 = ts.add_ %num_batches_tracked_1, %4, %5 : (!ts.tensor, !ts.int, !ts.int) -> !ts.tensor
      ts.yield
    } else {
      ts.yield
    }
    %training_1 = ts.get_attr %self["training"] : !ts.class<"__torch__.tsjit.nn.modules.batchnorm.BatchNorm2d"> -> !ts.bool
    %bn_training = ts.if %training_1 -> (!ts.bool) {
      %7 = ts.constant true
      ts.yield %7 : !ts.bool
    } else {
      %running_mean = ts.get_attr %self["running_mean"] : !ts.class<"__torch__.tsjit.nn.modules.batchnorm.BatchNorm2d"> -> !ts.tensor
      %8 = ts.constant false
      ts.yield %8 : !ts.bool
    }
    %training_2 = ts.get_attr %self["training"] : !ts.class<"__torch__.tsjit.nn.modules.batchnorm.BatchNorm2d"> -> !ts.bool
    %9 = ts.scalar.not %training_2 : (!ts.bool) -> !ts.bool
    ts.if %9 {
      ts.yield
    } else {
      ts.yield
    }
    %running_mean_1 = ts.get_attr %self["running_mean"] : !ts.class<"__torch__.tsjit.nn.modules.batchnorm.BatchNorm2d"> -> !ts.tensor
    %training_3 = ts.get_attr %self["training"] : !ts.class<"__torch__.tsjit.nn.modules.batchnorm.BatchNorm2d"> -> !ts.bool
    %10 = ts.scalar.not %training_3 : (!ts.bool) -> !ts.bool
    ts.if %10 {
      ts.yield
    } else {
      ts.yield
    }
    %running_var = ts.get_attr %self["running_var"] : !ts.class<"__torch__.tsjit.nn.modules.batchnorm.BatchNorm2d"> -> !ts.tensor
    %weight = ts.get_attr %self["weight"] : !ts.class<"__torch__.tsjit.nn.modules.batchnorm.BatchNorm2d"> -> !ts.tensor
    %bias = ts.get_attr %self["bias"] : !ts.class<"__torch__.tsjit.nn.modules.batchnorm.BatchNorm2d"> -> !ts.tensor
    %11 = ts.constant 0.1
    %12 = ts.constant 1.0e-05
    %13 = ts.constant false
    %14 = ts.batch_norm %input, %weight, %bias, %running_mean_1, %running_var, %bn_training, %11, %12, %13 : (!ts.tensor, !ts.tensor, !ts.tensor, !ts.tensor, !ts.tensor, !ts.bool, !ts.float, !ts.float, !ts.bool) -> !ts.tensor
    func.return %14 : !ts.tensor
  }
  func.func @__torch__.tsjit.nn.modules.linear.Linear.forward(%self: !ts.class<"__torch__.tsjit.nn.modules.linear.Linear">, %input: !ts.tensor) -> !ts.tensor {
    %weight = ts.get_attr %self["weight"] : !ts.class<"__torch__.tsjit.nn.modules.linear.Linear"> -> !ts.tensor
    %bias = ts.get_attr %self["bias"] : !ts.class<"__torch__.tsjit.nn.modules.linear.Linear"> -> !ts.tensor
    %0 = ts.linear %input, %weight, %bias : (!ts.tensor, !ts.tensor, !ts.tensor) -> !ts.tensor
    func.return %0 : !ts.tensor
  }
  func.func @__torch__.tsjit.nn.modules.dropout.Dropout.forward(%self: !ts.class<"__torch__.tsjit.nn.modules.dropout.Dropout">, %input: !ts.tensor) -> !ts.tensor {
    %training = ts.get_attr %self["training"] : !ts.class<"__torch__.tsjit.nn.modules.dropout.Dropout"> -> !ts.bool
    %0 = ts.constant 0.5
    %1 = ts.dropout %input, %0, %training : (!ts.tensor, !ts.float, !ts.bool) -> !ts.tensor
    func.return %1 : !ts.tensor
  }
  func.func @__torch__.Small.forward(%self: !ts.class<"__torch__.Small">, %x: !ts.tensor) -> !ts.tensor {
    %bn = ts.get_attr %self["bn"] : !ts.class<"__torch__.Small"> -> !ts.class<"__torch__.tsjit.nn.modules.batchnorm.BatchNorm2d">
    %conv = ts.get_attr %self["conv"] : !ts.class<"__torch__.Small"> -> !ts.class<"__torch__.tsjit.nn.modules.conv.Conv2d">
    %0 = ts.call_method %conv["forward"] (%x) : (!ts.class<"__torch__.tsjit.nn.modules.conv.Conv2d">, !ts.tensor) -> !ts.tensor
    %1 = ts.call_method %bn["forward"] (%0) : (!ts.class<"__torch__.tsjit.nn.modules.batchnorm.BatchNorm2d">, !ts.tensor) -> !ts.tensor
    %2 = ts.relu %1 : (!ts.tensor) -> !ts.tensor
    %3 = ts.constant [2, 2] : !ts.list<!ts.int>
    %4 = ts.constant [2, 2] : !ts.list<!ts.int>
    %5 = ts.constant [0, 0] : !ts.list<!ts.int>
    %6 = ts.constant [1, 1] : !ts.list<!ts.int>
    %7 = ts.constant false
    %x_1 = ts.max_pool2d %2, %3, %4, %5, %6, %7 : (!ts.tensor, !ts.list<!ts.int>, !ts.list<!ts.int>, !ts.list<!ts.int>, !ts.list<!ts.int>, !ts.bool) -> !ts.tensor
    %fc = ts.get_attr %self["fc"] : !ts.class<"__torch__.Small"> -> !ts.class<"__torch__.tsjit.nn.modules.linear.Linear">
    %drop = ts.get_attr %self["drop"] : !ts.class<"__torch__.Small"> -> !ts.class<"__torch__.tsjit.nn.modules.dropout.Dropout">
    %8 = ts.constant 1
    %9 = ts.constant -1
    %10 = ts.flatten %x_1, %8, %9 : (!ts.tensor, !ts.int, !ts.int) -> !ts.tensor
    %11 = ts.call_method %drop["forward"] (%10) : (!ts.class<"__torch__.tsjit.nn.modules.dropout.Dropout">, !ts.tensor) -> !ts.tensor
    %12 = ts.call_method %fc["forward"] (%11) : (!ts.class<"__torch__.tsjit.nn.modules.linear.Linear">, !ts.tensor) -> !ts.tensor
    func.return %12 : !ts.tensor
  }
  %self.conv.weight = ts.constant dense<[[[[-5.000000e-01]]], [[[-2.500000e-01]]]]> : tensor<2x1x1x1xf32>
  %self.conv.bias = ts.constant dense<[-5.000000e-01, -2.500000e-01]> : tensor<2xf32>
  %0 = ts.constant false
  %self.conv = ts.object "__torch__.tsjit.nn.modules.conv.Conv2d"("weight" = %self.conv.weight, "bias" = %self.conv.bias, "training" = %0) : (!ts.tensor<[2,1,1,1], f32>, !ts.tensor<[2], f32>, !ts.bool)
  %self.bn.weight = ts.constant dense<[-5.000000e-01, -2.500000e-01]> : tensor<2xf32>
  %self.bn.bias = ts.constant dense<[-5.000000e-01, -2.500000e-01]> : tensor<2xf32>
  %self.bn.running_mean = ts.constant dense<0.000000e+00> : tensor<2xf32>
  %self.bn.running_var = ts.constant dense<1.000000e+00> : tensor<2xf32>
  %self.bn.num_batches_tracked = ts.constant dense<0> : tensor<i64>
  %1 = ts.constant false
  %self.bn = ts.object "__torch__.tsjit.nn.modules.batchnorm.BatchNorm2d"("weight" = %self.bn.weight, "bias" = %self.bn.bias, "running_mean" = %self.bn.running_mean, "running_var" = %self.bn.running_var, "num_batches_tracked" = %self.bn.num_batches_tracked, "training" = %1) : (!ts.tensor<[2], f32>, !ts.tensor<[2], f32>, !ts.tensor<[2], f32>, !ts.tensor<[2], f32>, !ts.tensor<[], i64>, !ts.bool)
  %self.fc.weight = ts.constant dense<[[-5.000000e-01, -2.500000e-01], [0.000000e+00, 2.500000e-01]]> : tensor<2x2xf32>
  %self.fc.bias = ts.constant dense<[-5.000000e-01, -2.500000e-01]> : tensor<2xf32>
  %2 = ts.constant false
  %self.fc = ts.object "__torch__.tsjit.nn.modules.linear.Linear"("weight" = %self.fc.weight, "bias" = %self.fc.bias, "training" = %2) : (!ts.tensor<[2,2], f32>, !ts.tensor<[2], f32>, !ts.bool)
  %3 = ts.constant false
  %self.drop = ts.object "__torch__.tsjit.nn.modules.dropout.Dropout"("training" = %3) : (!ts.bool)
  %4 = ts.constant false
  %self = ts.object "__torch__.Small"("conv" = %self.conv, "bn" = %self.bn, "fc" = %self.fc, "drop" = %self.drop, "training" = %4) : (!ts.class<"__torch__.tsjit.nn.modules.conv.Conv2d">, !ts.class<"__torch__.tsjit.nn.modules.batchnorm.BatchNorm2d">, !ts.class<"__torch__.tsjit.nn.modules.linear.Linear">, !ts.class<"__torch__.tsjit.nn.modules.dropout.Dropout">, !ts.bool) {root}
}
