# Script mode: write OUT as a C++ file defining SYMBOL as the text of IN.
file(READ ${IN} content)
# Split into chunks so no single string literal grows past compiler limits.
string(LENGTH "${content}" len)
set(body "")
set(pos 0)
while(pos LESS len)
  string(SUBSTRING "${content}" ${pos} 8000 chunk)
  string(APPEND body "R\"shadecast_embed(${chunk})shadecast_embed\"\n")
  math(EXPR pos "${pos} + 8000")
endwhile()
file(WRITE ${OUT} "// Generated from ${IN}; do not edit.\nnamespace shadecast::embedded {\nextern const char ${SYMBOL}[];\nconst char ${SYMBOL}[] =\n${body};\n}\n")
