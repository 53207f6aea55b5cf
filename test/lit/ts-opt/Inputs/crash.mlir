"test.op"() {test.emit = "crash: boom"} : () -> ()
