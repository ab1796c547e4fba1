/* Building durable-rules 2.0.28 on Python 3.13, which removed PyEval_CallObject.
   No code of durable-rules is changed: dev.py (and docs/install.md) pass this header to the
   compiler, e.g. CC="gcc -include tools/durable-rules-py313.h" pip install --no-binary
   durable-rules durable-rules==2.0.28. */
#define PyEval_CallObject(callable, args) PyObject_CallObject(callable, args)
